// Vitest global setup: starts a throwaway Kafka broker and prepares the Python venv once per run.
// Neither may take the whole run down: on failure the reason is provided instead, and only the
// tests that need that service fail, with that reason.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { type Broker, ensureKafkaJars, startBroker } from '../../scripts/kafka-broker.mjs';
import { ensureVenv } from '../../scripts/venv.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBootstrap?: string;
    kafkaError?: string;
    venvPython?: string;
    venvError?: string;
  }
}

export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  let broker: Broker | undefined;
  let brokerDir: string | undefined;

  const kafka = async () => {
    try {
      await ensureKafkaJars();
      brokerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-kafka-'));
      broker = await startBroker({ dir: brokerDir });
      provide('kafkaBootstrap', broker.bootstrap);
    } catch (err) {
      provide('kafkaError', `Kafka broker unavailable: ${message(err)}`);
    }
  };

  const venv = async () => {
    try {
      provide('venvPython', await ensureVenv());
    } catch (err) {
      provide('venvError', `Python venv unavailable: ${message(err)}`);
    }
  };

  // Independent, and each mostly waits on the network or a JVM: do both at once.
  await Promise.all([kafka(), venv()]);

  return async () => {
    await broker?.stop();
    if (brokerDir) fs.rmSync(brokerDir, { recursive: true, force: true });
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
