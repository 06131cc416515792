// Types for scripts/kafka-broker.mjs (plain JS, so TypeScript tests can import it).

export declare const KAFKA_VERSION: string;
export declare const repoRoot: string;
export declare const kafkaCacheDir: string;
export declare const kafkaLibDir: string;

export type Log = (line: string) => void;

export interface StartOptions {
  /** Where the broker keeps its config, data (`<dir>/data`) and logs. */
  dir: string;
  /** PLAINTEXT port on 127.0.0.1; a free one is picked when absent. */
  port?: number;
  /** CONTROLLER port on 127.0.0.1; a free one is picked when absent. */
  controllerPort?: number;
  /** Let the broker outlive this process (own process group, unref'd). */
  detached?: boolean;
  /** How long to wait for the broker to answer (default 90 s). */
  timeoutMs?: number;
  /** JVM -Xmx value (default 512m). */
  heap?: string;
  /** Progress lines (default: stderr). */
  log?: Log;
}

export interface Broker {
  /** `127.0.0.1:PORT` */
  bootstrap: string;
  port: number;
  controllerPort: number;
  pid: number;
  dir: string;
  logFile: string;
  stop(): Promise<void>;
}

/** Fetches the Kafka broker jars into `.cache/kafka/lib` (a no-op once done); returns that directory. */
export declare function ensureKafkaJars(options?: { log?: Log }): Promise<string>;
/** Starts a single-node KRaft broker on 127.0.0.1 and waits until a client can list topics. */
export declare function startBroker(options: StartOptions): Promise<Broker>;
/** SIGTERM, up to `timeoutMs` (default 30 s) for a clean shutdown, then SIGKILL. */
export declare function stopBroker(pid: number, options?: { timeoutMs?: number }): Promise<void>;
/** Whether `pid` is a live process (zombies count as gone). */
export declare function isAlive(pid: number): boolean;
/** The last lines of the broker's log under `dir`. */
export declare function brokerTail(dir: string, lines?: number): string;
export declare function isPortFree(port: number): Promise<boolean>;
export declare function canConnect(host: string, port: number): Promise<boolean>;
