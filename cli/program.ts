import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { PalisadeError } from '#core';
import { FORMATS, type Format } from './format.js';
import { defaultConfigDir, version } from './paths.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The `palisade` command tree. Commands load their modules on use, so `--help` stays fast. */
export function buildProgram(): Command {
  const program = new Command('palisade')
    .description(
      'Palisade: a security data lakehouse. Parse, enrich and score security telemetry into an open Delta lake.',
    )
    .version(version(), '-V, --version')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`${text.split('\n')[0]}\n`) });

  program
    .command('demo')
    .description('ingest the bundled Bro samples into a demo lake, then query it')
    .option('--lake <dir>', 'demo lake directory (replaced on each run)', 'data/lake')
    .action(async (opts: { lake: string }) => (await import('./commands/demo.js')).demo(opts));

  program
    .command('ingest')
    .description(
      "parse sensor log files and append them to the sensor's Delta table; bad records go to `errors`",
    )
    .requiredOption('--sensor <name>', 'sensor name; its parser config is <config-dir>/sensors/<name>.json')
    .requiredOption('--lake <dir>', 'lake directory (created if missing)')
    .option(
      '--config-dir <dir>',
      'folder of Metron-style configs (sensors/, enrichments/, global.json)',
      defaultConfigDir(),
    )
    .option('--batch-size <n>', 'events per Delta commit', positiveInt, 100_000)
    .option(
      '--timezone <zone>',
      "zone for times that carry none (default: the config's deviceTimeZone, else UTC)",
    )
    .option(
      '--now <time>',
      'fix the clock (ISO 8601 with zone): the year of year-less times, events without a time',
    )
    .option('--max-record-bytes <n>', 'longer records go to errors unparsed', positiveInt, 1024 * 1024)
    .option(
      '--geo-db <file>',
      'MaxMind-format city database (.mmdb or .mmdb.gz) for geo enrichment (default: the bundled DB-IP City Lite)',
    )
    .option(
      '--asn-db <file>',
      'MaxMind ASN or ISP database for the geo fields asn/asn_org (default: the bundled ip-location-db tables)',
    )
    .option('--no-enrich', 'parse only: ignore <config-dir>/enrichments/<sensor>.json')
    .option(
      '--score <model>',
      'score every event with the live version of this registered model (repeatable): model.<name>.score, before triage',
      collect,
      [],
    )
    .argument('<files...>', "log files, one record per line; '-' reads standard input")
    .action(
      async (
        files: string[],
        opts: {
          sensor: string;
          lake: string;
          configDir: string;
          batchSize: number;
          timezone?: string;
          now?: string;
          maxRecordBytes: number;
          geoDb?: string;
          asnDb?: string;
          enrich: boolean;
        },
      ) => {
        await (await import('./commands/ingest.js')).ingest({ ...opts, files });
      },
    );

  const workerOptions = (c: Command) =>
    c
      .option('--metrics-port <n>', 'serve Prometheus /metrics and /health on this port', positiveInt)
      .option('--metrics-host <host>', 'interface for --metrics-port', '127.0.0.1')
      .option(
        '--topic-prefix <prefix>',
        'prefix of every topic name (sensor topics and indexing/alerts/errors)',
        '',
      )
      .option(
        '--session-timeout <ms>',
        "how long the group waits for a silent worker before moving its partitions (at least the broker's group.min.session.timeout.ms)",
        positiveInt,
        30_000,
      );

  workerOptions(
    program
      .command('stream')
      .description(
        'streaming worker: parse → enrich → score → triage from the sensor topics to indexing, alerts and errors (a Kafka consumer group; run as many as you like)',
      )
      .requiredOption('--bootstrap <host:port>', 'Kafka bootstrap servers, comma-separated')
      .option(
        '--config <dir>',
        'folder of Metron-style configs (sensors/, enrichments/, global.json)',
        defaultConfigDir(),
      )
      .option(
        '--sensors <list>',
        'sensors to run, comma-separated; their topics are created if missing (default: every configured sensor whose topic exists)',
      )
      .option('--group <id>', 'consumer group id', 'palisade-stream')
      .option('--geo-db <file>', 'MaxMind-format city database (default: the bundled DB-IP City Lite)')
      .option('--asn-db <file>', 'MaxMind ASN or ISP database (default: the bundled ip-location-db tables)')
      .option(
        '--lake <dir>',
        "threat intel from this lake's threatintel table (palisade batch intel load), and its last 14 days of profiles for PROFILE_GET",
      )
      .option(
        '--intel-refresh <duration>',
        'reload that threat intel and those profiles this often (0s: never)',
        '5m',
      )
      .option(
        '--score <model>',
        "score every event with the live version of this model in --lake's registry (repeatable); a promote switches at the next batch",
        collect,
        [],
      )
      .option('--partitions <n>', 'partitions for topics this command creates', positiveInt, 3),
  ).action(async (opts: import('./commands/workers.js').StreamCommandOptions) => {
    await (await import('./commands/workers.js')).stream(opts);
  });

  workerOptions(
    program
      .command('index')
      .description(
        'indexing worker: land indexing, alerts and errors in the lake exactly once, committing offsets after the lake (a Kafka consumer group)',
      )
      .requiredOption('--bootstrap <host:port>', 'Kafka bootstrap servers, comma-separated')
      .requiredOption('--lake <dir>', 'lake directory (created if missing)')
      .option('--group <id>', 'consumer group id', 'palisade-index')
      .option('--partitions <n>', 'partitions for topics this command creates', positiveInt, 3),
  ).action(async (opts: import('./commands/workers.js').IndexCommandOptions) => {
    await (await import('./commands/workers.js')).index(opts);
  });

  workerOptions(
    program
      .command('profile')
      .description(
        "streaming profiler: Metron's profiler config over the indexing topic, each period's measurements to the `profiles` table exactly once (one worker per group)",
      )
      .requiredOption('--bootstrap <host:port>', 'Kafka bootstrap servers, comma-separated')
      .requiredOption('--lake <dir>', 'lake directory (created if missing)')
      .option('--config <file>', "Metron profiler config (default: Palisade's config/profiler.json)")
      .option('--period <duration>', 'profile period: a whole number and s, m, h or d', '15m')
      .option(
        '--lateness <duration>',
        'how far behind the newest event time a message may arrive and still count',
        '1m',
      )
      .option(
        '--idle-flush <duration>',
        'with nothing new for this long, flush periods whose end plus the lateness has passed on the clock (0s: never)',
        '10s',
      )
      .option('--group <id>', 'consumer group id', 'palisade-profile')
      .option('--partitions <n>', 'partitions for topics this command creates', positiveInt, 3),
  ).action(async (opts: import('./commands/workers.js').ProfileCommandOptions) => {
    await (await import('./commands/workers.js')).profile(opts);
  });

  program
    .command('sql')
    .description(
      'run one read-only SQL query (DuckDB) over the lake; each table is a view named after it, and `events` spans the sensor tables',
    )
    .requiredOption('--lake <dir>', 'lake directory')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
    .option(
      '--as-of <spec>',
      'time travel (repeatable): TABLE=VERSION, TABLE=TIME, or TIME for every other table; TIME is ISO 8601 with a zone (2026-11-27T12:00:00Z) or epoch ms',
      collect,
      [],
    )
    .option('--timeout <duration>', 'stop the query after this long, e.g. 30s or 5m (default: no limit)')
    .argument('<query>', 'the SQL query, e.g. "SELECT count(*) FROM bro"')
    .action(
      async (query: string, opts: { lake: string; format: Format; asOf: string[]; timeout?: string }) => {
        await (await import('./commands/sql.js')).sql({ ...opts, query });
      },
    );

  const stellar = program
    .command('stellar')
    .description(
      "Stellar, Metron's rule language: with no subcommand an interactive shell (x := expr, %functions, %vars, ?NAME)",
    )
    .action(async () => (await import('./commands/stellar.js')).repl());
  stellar
    .command('eval')
    .description(
      'evaluate one expression and print its result as JSON (exit 1 with the diagnostic if it fails)',
    )
    .argument('<expression>', 'the Stellar expression, e.g. "IN_SUBNET(ip, \'10.0.0.0/8\')"')
    .option('--vars <json>', 'variables as a JSON object, or @file.json')
    .option('--predicate', 'predicate mode: the result must be true or false (a blank rule is true)')
    .action(async (expression: string, opts: { vars?: string; predicate?: boolean }) => {
      await (await import('./commands/stellar.js')).evaluate({ expression, ...opts });
    });

  const batch = program
    .command('batch')
    .description(
      'batch jobs over the lake history: profiles, model training, backtests, compaction, retention and vacuum',
    );

  batch
    .command('profile')
    .description(
      "rebuild profiles from the lake's events in [--from, --to) with Metron's profiler config, replacing those periods in `profiles` in one commit",
    )
    .requiredOption('--lake <dir>', 'lake directory')
    .requiredOption('--from <time>', 'start, inclusive: ISO 8601 with a zone, or epoch milliseconds')
    .requiredOption('--to <time>', 'end, exclusive: ISO 8601 with a zone, or epoch milliseconds')
    .option('--config <file>', "Metron profiler config (default: Palisade's config/profiler.json)")
    .option('--period <duration>', 'profile period: a whole number and s, m, h or d', '15m')
    .action(async (opts: { lake: string; from: string; to: string; config?: string; period: string }) => {
      await (await import('./commands/profile.js')).batchProfile(opts);
    });

  batch
    .command('backtest')
    .description(
      "run the sensors' current enrichment and triage rules over the lake's events in [--from, --to) and report how the alerts differ from those that fired (new, gone, score changed)",
    )
    .requiredOption('--lake <dir>', 'lake directory')
    .requiredOption('--from <time>', 'start, inclusive: ISO 8601 with a zone, or epoch milliseconds')
    .requiredOption('--to <time>', 'end, exclusive: ISO 8601 with a zone, or epoch milliseconds')
    .option(
      '--config <dir>',
      'folder of Metron-style configs (sensors/, enrichments/, global.json): the rules to test',
      defaultConfigDir(),
    )
    .option(
      '--sensors <list>',
      'sensor tables to replay, comma-separated (default: every one with an enrichment config)',
    )
    .option('--show <n>', 'differences listed per kind', '20')
    .option('--json', 'print the whole report as one JSON object')
    .action(async (opts: import('./commands/backtest.js').BacktestCommandOptions) => {
      await (await import('./commands/backtest.js')).backtestCommand(opts);
    });

  batch
    .command('compact')
    .description(
      "rewrite each partition's small files into files near a target size (one OPTIMIZE commit per table)",
    )
    .requiredOption('--lake <dir>', 'lake directory')
    .option('--table <name>', 'compact only this table (default: every table)')
    .option(
      '--target-size <size>',
      'size to aim for per file: bytes, or KB/MB/GB (×1000) or KiB/MiB/GiB (×1024)',
      '128MiB',
    )
    .action(async (opts: { lake: string; table?: string; targetSize: string }) => {
      await (await import('./commands/batch.js')).compact(opts);
    });

  batch
    .command('vacuum')
    .description('drop day partitions older than --retain, then delete data files no snapshot references')
    .requiredOption('--lake <dir>', 'lake directory')
    .option('--table <name>', 'vacuum only this table (default: every table)')
    .option(
      '--retain <duration>',
      'drop day partitions older than this, e.g. 90d (default: keep every partition)',
    )
    .option('--min-age <duration>', 'delete only unreferenced files (and removals) older than this', '7d')
    .option('--dry-run', 'report what would be dropped and deleted; change nothing')
    .action(
      async (opts: { lake: string; table?: string; retain?: string; minAge: string; dryRun?: boolean }) => {
        await (await import('./commands/batch.js')).vacuum(opts);
      },
    );

  const intel = batch
    .command('intel')
    .description('threat-intel indicators in the lake (the `threatintel` table the stream matches against)');

  intel
    .command('load')
    .description(
      'load indicators from STIX 2.1 bundles or CSV files into `threatintel`; those already there are skipped',
    )
    .requiredOption('--lake <dir>', 'lake directory (created if missing)')
    .option(
      '--type <type>',
      'Metron threat-intel type of every indicator, e.g. malicious_ip (required for CSV; STIX defaults: ' +
        'malicious_ip, malicious_domain, malicious_url, malicious_hash, malicious_email by object type)',
    )
    .option('--column <n>', 'CSV: the column holding the indicator, from 0', '0')
    .option('--source <name>', "each row's source (default: the bundle's id, else the file name)")
    .argument('<files...>', 'STIX 2.1 bundles (JSON) or CSV files, one indicator per line')
    .action(
      async (files: string[], opts: { lake: string; type?: string; column: string; source?: string }) => {
        await (await import('./commands/intel.js')).load({ ...opts, files });
      },
    );

  batch
    .command('train')
    .description(
      "train an anomaly model on the `profiles` table's feature rows in [--from, --to), check its ONNX export with ONNX Runtime, and register it as a new version",
    )
    .requiredOption('--lake <dir>', 'lake directory')
    .requiredOption('--model <name>', 'the model name in the registry')
    .addOption(
      new Option(
        '--kind <kind>',
        "isolation-forest, or mad (median/MAD per feature, Metron's OUTLIER_MAD_SCORE)",
      )
        .choices(['isolation-forest', 'mad'])
        .default('isolation-forest'),
    )
    .option(
      '--features <set>',
      'feature set (host: per source IP and period, from config/profiler.json)',
      'host',
    )
    .option(
      '--from <time>',
      'start, inclusive: ISO 8601 with a zone, or epoch ms (default: 14 days before --to)',
    )
    .option('--to <time>', 'end, exclusive: ISO 8601 with a zone, or epoch ms (default: now)')
    .option('--period <duration>', "the profiles' period (as given to `palisade batch profile`)", '15m')
    .option('--seed <n>', 'Isolation Forest: seed of the random draws (same seed and data, same model)')
    .option('--trees <n>', 'Isolation Forest: number of trees (default 100)')
    .option('--max-samples <n>', 'Isolation Forest: rows per tree (default 256)')
    .option(
      '--contamination <share>',
      'Isolation Forest: expected outlier share in (0, 0.5], or auto (default)',
    )
    .option(
      '--labels <file>',
      'labelled anomalous periods, ENTITY,TIME per line: the AUC is reported and kept',
    )
    .option('--promote', 'make the new version live')
    .option('--actor <name>', 'who trains, for the registry (default: the login name)')
    .action(async (opts: Parameters<typeof import('./commands/models.js').batchTrain>[0]) => {
      await (await import('./commands/models.js')).batchTrain(opts);
    });

  const models = program
    .command('models')
    .description('the model registry: versions of ONNX models kept in the lake, one live per name');

  models
    .command('list')
    .description('models, their versions and the live one')
    .requiredOption('--lake <dir>', 'lake directory')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { lake: string; format: string }) => {
      await (await import('./commands/models.js')).list(opts);
    });

  models
    .command('register')
    .description(
      'register an ONNX model trained elsewhere (e.g. scikit-learn via skl2onnx); its input must take the declared features',
    )
    .requiredOption('--lake <dir>', 'lake directory (created if missing)')
    .requiredOption('--name <name>', 'model name')
    .requiredOption('--features <list>', 'the input columns in order, comma-separated')
    .option('--input <name>', 'the graph input (default: the only one)')
    .option('--output <name>', 'the graph output read as the score (default: the only float one)')
    .option('--score <text>', 'what the score means, for people')
    .option('--threshold <x>', 'scores beyond it are outliers')
    .option('--lower-is-anomalous', 'lower scores are more anomalous (e.g. decision_function)')
    .option('--feature-set <set>', 'the feature set whose rows it takes (lets the stream score events)')
    .option('--period <duration>', "with --feature-set: the profiles' period")
    .option('--promote', 'make it the live version')
    .option('--actor <name>', 'who registers (default: the login name)')
    .argument('<file>', 'the .onnx file')
    .action(
      async (
        file: string,
        opts: Omit<Parameters<typeof import('./commands/models.js').register>[0], 'file'>,
      ) => {
        await (await import('./commands/models.js')).register({ ...opts, file });
      },
    );

  models
    .command('promote')
    .description('make a version live (atomically; the stream switches at its next batch)')
    .requiredOption('--lake <dir>', 'lake directory')
    .option('--actor <name>', 'who promotes (default: the login name)')
    .argument('<name>', 'model name')
    .argument('<version>', 'version number')
    .action(async (name: string, version: string, opts: { lake: string; actor?: string }) => {
      await (await import('./commands/models.js')).promote({ ...opts, name, version });
    });

  models
    .command('rollback')
    .description('make the previously live version live again')
    .requiredOption('--lake <dir>', 'lake directory')
    .option('--actor <name>', 'who rolls back (default: the login name)')
    .argument('<name>', 'model name')
    .action(async (name: string, opts: { lake: string; actor?: string }) => {
      await (await import('./commands/models.js')).rollback({ ...opts, name });
    });

  models
    .command('score')
    .description(
      'score feature rows with a model (the live version unless --version) and print the JSON the HTTP API answers',
    )
    .requiredOption('--lake <dir>', 'lake directory')
    .requiredOption(
      '--input <json>',
      '{"rows": [{feature: value, …}]}, a list of rows or one row; inline, @file.json, or - for stdin',
    )
    .option('--version <n>', 'a version other than the live one')
    .argument('<name>', 'model name')
    .action(async (name: string, opts: { lake: string; input: string; version?: string }) => {
      await (await import('./commands/models.js')).score({ ...opts, name });
    });

  program
    .command('serve')
    .description(
      'serve the HTTP API over a lake (bearer tokens, roles): the model registry and scoring; OpenAPI at /api/openapi.json',
    )
    .requiredOption('--lake <dir>', 'lake directory; its users (palisade users) hold the tokens')
    .option('--port <n>', 'TCP port (0: any free port)', '8080')
    .option('--host <host>', 'interface to listen on (0.0.0.0: every IPv4 interface)', '127.0.0.1')
    .action(async (opts: { lake: string; port: string; host: string }) => {
      await (await import('./commands/serve.js')).serve(opts);
    });

  const users = program
    .command('users')
    .description("the API's users, their roles (viewer < analyst < admin) and tokens, kept in <lake>/_auth");

  users
    .command('add')
    .description('add a user and print its API token (once: only a hash of it is kept)')
    .requiredOption('--lake <dir>', 'lake directory')
    .requiredOption('--role <role>', 'viewer, analyst or admin')
    .argument('<name>', 'user name: a lower-case letter, then lower-case letters, digits, _ . or -')
    .action(async (name: string, opts: { lake: string; role: string }) => {
      await (await import('./commands/users.js')).add({ ...opts, name });
    });

  users
    .command('remove')
    .description('remove a user; its token stops working at once')
    .requiredOption('--lake <dir>', 'lake directory')
    .argument('<name>', 'user name')
    .action(async (name: string, opts: { lake: string }) => {
      await (await import('./commands/users.js')).remove({ ...opts, name });
    });

  users
    .command('token')
    .description("replace a user's API token and print the new one (the old one stops working at once)")
    .requiredOption('--lake <dir>', 'lake directory')
    .argument('<name>', 'user name')
    .action(async (name: string, opts: { lake: string }) => {
      await (await import('./commands/users.js')).token({ ...opts, name });
    });

  users
    .command('list')
    .description('users, their roles and when they were added (never tokens or hashes)')
    .requiredOption('--lake <dir>', 'lake directory')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { lake: string; format: string }) => {
      await (await import('./commands/users.js')).list(opts);
    });

  const pcap = program
    .command('pcap')
    .description(
      'full packet capture: capture files or a live interface into the `pcap` table, and extract packets',
    );

  pcap
    .command('ingest')
    .description(
      'append pcap/pcapng files to the `pcap` table (one commit per file; a file already ingested is skipped)',
    )
    .requiredOption('--lake <dir>', 'lake directory (created if missing)')
    .argument('<files...>', 'libpcap or pcapng capture files')
    .action(async (files: string[], opts: { lake: string }) => {
      await (await import('./commands/pcap.js')).ingest({ ...opts, files });
    });

  pcap
    .command('query')
    .description(
      "write the packets that match every filter given, in time order, as libpcap files (pcapng when link types mix); Metron's fixed-filter fields",
    )
    .requiredOption('--lake <dir>', 'lake directory')
    .requiredOption(
      '-o, --output <file>',
      'output file; with --page-size, pages are <name>-1.pcap, <name>-2.pcap, …',
    )
    .option('--ip-src-addr <addr>', 'source address (IPv4 or IPv6)')
    .option('--ip-dst-addr <addr>', 'destination address')
    .option('--ip-src-port <port>', 'source port (TCP, UDP, SCTP)')
    .option('--ip-dst-port <port>', 'destination port')
    .option('--protocol <proto>', 'tcp, udp, icmp, icmpv6, sctp or an IP protocol number')
    .option('--include-reverse', 'also match the reverse direction (addresses and ports swapped)')
    .option('--community-id <id>', 'Community ID of the flow, e.g. 1:LQU9qZlK+B5F3KDmev6m5PMibrg=')
    .option('--start-time <time>', 'first instant, inclusive: ISO 8601 with a zone or epoch ms')
    .option('--end-time <time>', 'last instant, exclusive: ISO 8601 with a zone or epoch ms')
    .option(
      '--filter <stellar>',
      'Stellar predicate over packet, ip_src_addr, ip_src_port, ip_dst_addr, ip_dst_port, protocol, vlan, len, timestamp, community_id; BYTEARRAY_MATCHER(pattern, packet) matches bytes',
    )
    .option('--page-size <n>', 'packets per output file (default: one file)', positiveInt)
    .option(
      '--event <guid>',
      "the packets of this event or alert: its flow's Community ID (else its 5-tuple, both ways) around its time",
    )
    .option(
      '--window <duration>',
      'with --event: how far before and after its time to look (s, m or h)',
      '5m',
    )
    .action(async (opts: import('./commands/pcap.js').QueryCliOptions) => {
      await (await import('./commands/pcap.js')).query(opts);
    });

  pcap
    .command('capture')
    .description(
      'capture packets live from an interface (libpcap) into the `pcap` table, or onto the `pcap` topic for `palisade index`',
    )
    .requiredOption('--iface <name>', 'interface to capture on, e.g. eth0 or lo')
    .option('--bpf <filter>', "capture filter in tcpdump syntax, e.g. 'tcp port 443'")
    .option('--lake <dir>', 'write to this lake (one commit per flush)')
    .option('--bootstrap <host:port>', 'publish to Kafka instead, keyed by capture time')
    .option('--topic-prefix <prefix>', 'prefix of the pcap topic name', '')
    .option('--partitions <n>', 'partitions of the pcap topic when it is created', positiveInt, 1)
    .option('--flush-ms <ms>', 'hand packets to the lake or Kafka at least this often', positiveInt, 1000)
    .option('--count <n>', 'stop after this many packets', positiveInt)
    .option('--duration <seconds>', 'stop after this many seconds', positiveInt)
    .option('--snaplen <bytes>', 'bytes kept per packet (default 262144)', positiveInt)
    .action(async (opts: import('./commands/pcap.js').CaptureCliOptions) => {
      await (await import('./commands/pcap.js')).capture(opts);
    });

  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const command of all(program).slice(1)) {
    command
      .exitOverride()
      .configureOutput({ outputError: (text, write) => write(`${text.split('\n')[0]}\n`) });
  }
  return program;
}

/**
 * Run the CLI; returns the exit code. 0 ok, 1 failure, 2 bad usage or bad input. Expected
 * errors print one line; a stack trace only with PALISADE_DEBUG=1.
 */
export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return 0;
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof PalisadeError) {
      process.stderr.write(`palisade: ${e.message}\n`);
      if (process.env.PALISADE_DEBUG) process.stderr.write(`${e.stack}\n`);
      return e.exitCode;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`palisade: internal error: ${message.split('\n')[0]}\n`);
    if (process.env.PALISADE_DEBUG) process.stderr.write(`${e instanceof Error ? e.stack : ''}\n`);
    else process.stderr.write('palisade: run again with PALISADE_DEBUG=1 for details\n');
    return 1;
  }
}
