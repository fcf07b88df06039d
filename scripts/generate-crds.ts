/**
 * Writes the CRD YAML in `deploy/crds/` from the zod schemas in `lib/crds/`.
 *
 *   npm run generate         write the files
 *   npm run generate:check   exit 1 when a file is missing, different or unexpected (lint / CI)
 */
import { readdir, readFile, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { allCrds, renderCrdYaml } from "../lib/crds/crd-manifest";
import { kafkaCrds } from "../lib/crds/kafka-crds";

const CRD_DIR = fileURLToPath(new URL("../deploy/crds/", import.meta.url));

async function existingYamlFiles(): Promise<string[]> {
  try {
    return (await readdir(CRD_DIR)).filter((file) => file.endsWith(".yaml"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

async function readOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
}

async function main(check: boolean): Promise<number> {
  const wanted = new Map(
    Object.entries({ ...allCrds(), ...kafkaCrds() }).map(([file, manifest]) => [
      file,
      renderCrdYaml(manifest),
    ]),
  );
  const stale: string[] = [];
  for (const [file, text] of wanted) {
    const path = join(CRD_DIR, file);
    if ((await readOrEmpty(path)) === text) continue;
    stale.push(file);
    if (!check) {
      await mkdir(CRD_DIR, { recursive: true });
      await writeFile(path, text);
    }
  }
  const unexpected = (await existingYamlFiles()).filter((file) => !wanted.has(file));
  if (check) {
    for (const file of stale) console.error(`deploy/crds/${file} is stale`);
    for (const file of unexpected) console.error(`deploy/crds/${file} is not generated`);
    if (stale.length + unexpected.length > 0) {
      console.error("Run `npm run generate` and commit the result.");
      return 1;
    }
    console.log(`deploy/crds/ is up to date (${wanted.size} file(s)).`);
    return 0;
  }
  for (const file of unexpected) console.warn(`deploy/crds/${file} is not generated; remove it`);
  console.log(`wrote ${stale.length} of ${wanted.size} file(s) in deploy/crds/`);
  return 0;
}

main(process.argv.includes("--check")).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
