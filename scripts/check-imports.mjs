#!/usr/bin/env node
// Architecture check: each top-level folder is reached only through its index.ts (`#name`),
// and dependencies point one way (DESIGN.md, with models over lake: the registry keeps a Delta
// table): core ← stellar ← lake ← models ← streaming, batch
// ← server, cli. streaming and batch never import each other. Exits 1 listing every violation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

// The tree to check: the repository, or the folder given with --root (the check's own test uses that).
const rootArg = process.argv.indexOf('--root');
const root =
  rootArg > 0
    ? resolve(process.argv[rootArg + 1] ?? '.')
    : resolve(dirname(new URL(import.meta.url).pathname), '..');

/** Folder → the folders it may import. */
const ALLOWED = {
  core: [],
  stellar: ['core'],
  lake: ['core', 'stellar'],
  models: ['core', 'stellar', 'lake'],
  streaming: ['core', 'stellar', 'lake', 'models'],
  batch: ['core', 'stellar', 'lake', 'models'],
  server: ['core', 'stellar', 'lake', 'models', 'streaming', 'batch'],
  ui: ['core'],
  cli: ['core', 'stellar', 'lake', 'models', 'streaming', 'batch', 'server', 'ui'],
  bench: ['core', 'stellar', 'lake', 'models', 'streaming', 'batch', 'server'],
};

const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function* tsFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* tsFiles(path);
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

const problems = [];
for (const folder of Object.keys(ALLOWED)) {
  const base = join(root, folder);
  try {
    statSync(base);
  } catch {
    continue;
  }
  for (const file of tsFiles(base)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(SPECIFIER)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const line = text.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0);
      const where = `${relative(root, file)}:${line}`;
      if (spec.startsWith('#')) {
        const target = spec.slice(1);
        if (target === folder)
          problems.push(`${where}: imports its own folder through '${spec}'; use a relative path`);
        else if (!(target in ALLOWED)) problems.push(`${where}: unknown folder '${spec}'`);
        else if (!ALLOWED[folder].includes(target)) {
          problems.push(
            `${where}: '${folder}' may not depend on '${target}' (allowed: ${ALLOWED[folder].join(', ') || 'none'})`,
          );
        }
      } else if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(base + sep)) {
          problems.push(
            `${where}: deep import '${spec}' leaves ${folder}/; import '#${relative(root, target).split(sep)[0]}' instead`,
          );
        }
      }
    }
  }
}

if (problems.length > 0) {
  console.error(`check-imports: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log('check-imports: ok');
