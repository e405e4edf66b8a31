// The official replicate client against Kino's /replicate/v1, unchanged but for its baseUrl: what an
// application written for Replicate does. Prints one JSON line per step for the Java test.
// Usage: node replicate.mjs BASE_URL OUT_DIR IMAGE_PATH MISSING_IMAGE_URL   (key: KINO_API_KEY)
import fs from 'node:fs';
import Replicate from 'replicate';
import { download, report } from './steps.mjs';

const [base, outDir, imagePath, missingImage] = process.argv.slice(2);
const replicate = new Replicate({ auth: process.env.KINO_API_KEY, baseUrl: base + '/replicate/v1', useFileOutput: false });
const T2V = 'kling/kling-3.0-standard-text-to-video';
const I2V = 'kling/kling-3.0-standard-image-to-video';
const PRO = 'kling/kling-3.0-pro-text-to-video';

const model = await replicate.models.get('kling', 'kling-3.0-standard-text-to-video');
report('model', { owner: model.owner, name: model.name, version: model.latest_version.id,
  input: Object.keys(model.latest_version.openapi_schema.components.schemas.Input.properties) });

const output = await replicate.run(T2V, { input: { prompt: 'A lighthouse at dusk', duration: 3, aspect_ratio: '1:1', sound: false } });
report('run', { output, mp4: await download(output, outDir, 'run.mp4') });

const created = await replicate.predictions.create({ model: T2V, input: { prompt: 'polled', duration: 3, sound: false } });
report('created', { prediction: created });
const polled = await replicate.wait(created, { interval: 200 });
report('polled', { prediction: polled });

const byVersion = await replicate.run(`${T2V}:${model.latest_version.id}`, { input: { prompt: 'by version', duration: 3, sound: false } });
report('version', { output: byVersion });

const fromFile = await replicate.run(I2V, { input: { prompt: 'The picture comes to life', duration: 3, generate_audio: false, start_image_url: fs.readFileSync(imagePath) } });
report('file', { output: fromFile, mp4: await download(fromFile, outDir, 'file.mp4') });

try {
  await replicate.run(I2V, { input: { prompt: 'no picture', duration: 3, start_image_url: missingImage } });
  report('failed', { error: null });
} catch (e) {
  report('failed', { message: e.message });
}

try {
  await replicate.run(T2V, { input: { prompt: 'too long', duration: 99 } });
  report('invalid', { error: null });
} catch (e) {
  report('invalid', { status: e.response && e.response.status, body: e.response ? await e.response.text().catch(() => e.message) : e.message, message: e.message });
}

const events = [];
for await (const event of replicate.stream(T2V, { input: { prompt: 'streamed', duration: 3, sound: false } })) {
  events.push({ event: event.event, data: String(event) });
}
report('stream', { events });

const page = await replicate.predictions.list();
report('listed', { ids: page.results.map((p) => p.id), next: page.next });

// Last, as it keeps both workers busy: two long predictions take them, and the third, still queued, is cancelled.
const longs = [];
for (let i = 0; i < 3; i++) {
  longs.push(await replicate.predictions.create({ model: PRO, input: { prompt: 'long ' + i, duration: 15, sound: true } }));
}
const canceled = await replicate.predictions.cancel(longs[2].id);
report('canceled', { prediction: await replicate.wait(canceled, { interval: 200 }) });
