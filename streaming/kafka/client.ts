import { Kafka, logLevel, type RetryOptions } from 'kafkajs';
import { InfraError, type Logger } from '#core';

/** The topics the stream and packet capture write and the indexer reads (DESIGN.md, Kafka topics). */
export const TOPICS = {
  indexing: 'indexing',
  alerts: 'alerts',
  errors: 'errors',
  /** Packets from `palisade pcap capture --bootstrap`, keyed by capture time. */
  pcap: 'pcap',
} as const;

/** The output topics' names. */
export type OutputTopics = { readonly [K in keyof typeof TOPICS]: string };

/**
 * Topic names under a prefix (`--topic-prefix`), so several deployments or test runs can
 * share one cluster: `acme.` gives `acme.indexing`, `acme.bro`, …
 */
export function outputTopics(prefix = ''): OutputTopics {
  return {
    indexing: `${prefix}indexing`,
    alerts: `${prefix}alerts`,
    errors: `${prefix}errors`,
    pcap: `${prefix}pcap`,
  };
}

/**
 * Retries at the edge: a broker that restarts or a leader that moves is waited out (about a
 * minute in all) before the worker gives up and stops without committing.
 */
const RETRY: RetryOptions = { retries: 12, initialRetryTime: 300, maxRetryTime: 10_000 };

/** A Kafka client for `HOST:PORT[,HOST:PORT…]`, logging through Palisade's logger. */
export function kafkaClient(bootstrap: string, clientId: string, log?: Logger): Kafka {
  const brokers = bootstrap
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  return new Kafka({
    clientId,
    brokers,
    retry: RETRY,
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...rest } = entry.log;
      // kafkajs logs each failed request of a retry loop (Connection) and warns that bounded
      // retries weaken idempotence (we bound them on purpose: transactions keep exactly-once).
      // Those are details; what outlives the retries reaches the worker as an error.
      const detail = entry.namespace === 'Connection' || message.startsWith('Limiting retries');
      if (entry.level <= logLevel.WARN && !detail) log?.warn({ kafka: entry.namespace, ...rest }, message);
      else log?.debug({ kafka: entry.namespace, ...rest }, message);
    },
  });
}

/** Create the topics that do not exist yet (with `partitions` each); existing ones are left alone. */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  partitions: number,
): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((topic) => ({ topic, numPartitions: partitions })),
        waitForLeaders: true,
      });
    }
  } catch (e) {
    throw new InfraError('kafka.topics', `could not create topics: ${(e as Error).message}`, { cause: e });
  } finally {
    await admin.disconnect();
  }
}

/** Topics that exist on the cluster. */
export async function listTopics(kafka: Kafka): Promise<Set<string>> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return new Set(await admin.listTopics());
  } catch (e) {
    throw new InfraError('kafka.connect', `could not reach Kafka: ${(e as Error).message}`, { cause: e });
  } finally {
    await admin.disconnect();
  }
}
