// What the client scripts share: one JSON line per step for the Java test, and a download to a file.
import fs from 'node:fs';
import path from 'node:path';

export const report = (step, data) => console.log(JSON.stringify({ step, ...data }));

/** Fetches a URL (as an application would fetch an output) into outDir/name. */
export async function download(url, outDir, name) {
  const answer = await fetch(url);
  const bytes = Buffer.from(await answer.arrayBuffer());
  const file = path.join(outDir, name);
  fs.writeFileSync(file, bytes);
  return { file, bytes: bytes.length, type: answer.headers.get('content-type') };
}
