import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, InfraError, PalisadeError } from '#core';
import { type ModelSpec, parseModelSpec } from '../spec.js';

/**
 * A model version's files: `<lake>/models/<name>/<version>/model.onnx` and `model.json`. A version
 * folder is written whole in a temporary folder beside it and renamed into place, so it appears
 * with both files or not at all, and a rename onto an existing version fails rather than
 * replacing it: versions are never overwritten. The folder is not inside the registry's Delta
 * table because vacuum deletes files a table's log does not reference.
 */

/** The lake sub-folder that holds model files. */
export const MODELS_DIR = 'models';
export const ONNX_FILE = 'model.onnx';
export const SPEC_FILE = 'model.json';

/** How many taken version numbers a registration steps over before it gives up. */
const MAX_VERSION_TRIES = 100;
/** rename(2)'s answers when the target is there: a version folder (ENOTEMPTY, EEXIST) or a file (ENOTDIR). */
const TAKEN = new Set(['ENOTEMPTY', 'EEXIST', 'ENOTDIR']);
const VERSION_FOLDER = /^[1-9]\d{0,15}$/;

/** The folder of a model's versions (the name must have been checked against MODEL_NAME). */
export function modelDir(lakeDir: string, name: string): string {
  return join(lakeDir, MODELS_DIR, name);
}

function versionDir(lakeDir: string, name: string, version: number): string {
  return join(modelDir(lakeDir, name), String(version));
}

/** SHA-256 of bytes, hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Version numbers that have a folder (registered or not: a crash can leave one unregistered). */
export async function versionFolders(lakeDir: string, name: string): Promise<number[]> {
  const dir = modelDir(lakeDir, name);
  try {
    return (await readdir(dir)).filter((n) => VERSION_FOLDER.test(n)).map(Number);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InfraError('models.registry', `cannot read ${dir}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Write a new version's folder, trying `firstVersion`, then the next number while one is taken
 * (a concurrent registration got there first). Returns the spec as written, with its version.
 */
export async function writeVersion(
  lakeDir: string,
  spec: ModelSpec,
  onnx: Uint8Array,
  firstVersion: number,
): Promise<ModelSpec> {
  const dir = modelDir(lakeDir, spec.name);
  let tmp: string | undefined;
  try {
    await mkdir(dir, { recursive: true });
    const staging = await mkdtemp(join(dir, '.tmp-'));
    tmp = staging;
    await writeSynced(join(staging, ONNX_FILE), onnx);
    for (let version = firstVersion; version < firstVersion + MAX_VERSION_TRIES; version++) {
      const written: ModelSpec = { ...spec, version };
      await writeSynced(join(staging, SPEC_FILE), `${JSON.stringify(written, null, 2)}\n`);
      try {
        await rename(staging, versionDir(lakeDir, spec.name, version));
        tmp = undefined;
        return written;
      } catch (e) {
        if (!TAKEN.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
      }
    }
    throw new InfraError(
      'models.registry',
      `model ${spec.name}: versions ${firstVersion} to ${firstVersion + MAX_VERSION_TRIES - 1} are all taken in ${dir}`,
    );
  } catch (e) {
    if (e instanceof PalisadeError) throw e;
    throw new InfraError(
      'models.registry',
      `cannot write model ${spec.name} under ${dir}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  } finally {
    if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
  }
}

/** A version's model.json, checked against the schema and against the folder it is in. */
export async function readSpecFile(lakeDir: string, name: string, version: number): Promise<ModelSpec> {
  const file = join(versionDir(lakeDir, name, version), SPEC_FILE);
  let spec: ModelSpec;
  try {
    spec = parseModelSpec(JSON.parse(await readFile(file, 'utf8')), file);
  } catch (e) {
    const why = e instanceof ConfigError ? e.problems.map((p) => `${p.path}: ${p.message}`).join('; ') : e;
    throw new InfraError(
      'models.registry',
      `model ${name} v${version}: cannot read ${file}: ${firstLine(why)}`,
      {
        cause: e,
      },
    );
  }
  if (spec.name !== name || spec.version !== version) {
    throw new InfraError(
      'models.registry',
      `model ${name} v${version}: ${file} describes ${spec.name} v${spec.version}; the file was changed after registration`,
    );
  }
  return spec;
}

/** A version's ONNX bytes, as stored (the caller checks them against the spec's sha256). */
export async function readOnnxFile(lakeDir: string, name: string, version: number): Promise<Uint8Array> {
  const file = join(versionDir(lakeDir, name, version), ONNX_FILE);
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    throw new InfraError(
      'models.registry',
      `model ${name} v${version}: cannot read ${file}: ${firstLine(e)}`,
      {
        cause: e,
      },
    );
  }
}

/** Write a new file and flush it to disk before the folder holding it is renamed into place. */
async function writeSynced(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0] ?? '';
}
