// The official @fal-ai/client against Kino through fal's proxy convention (withProxy, when:
// "always"): the queue URLs it builds for queue.fal.run reach Kino's /fal/proxy, which serves them
// from /fal/queue. Prints one JSON line per step for the Java test.
// Usage: node fal.mjs BASE_URL OUT_DIR IMAGE_URL MISSING_IMAGE_URL   (key: KINO_API_KEY)
import fs from 'node:fs';
import { createFalClient, withProxy } from '@fal-ai/client';
import { download, report } from './steps.mjs';

const [base, outDir, imageUrl, missingImage, imagePath] = process.argv.slice(2);
const fal = createFalClient({
  credentials: process.env.KINO_API_KEY,
  requestMiddleware: withProxy({ targetUrl: base + '/fal/proxy', when: 'always' }),
});
const T2V = 'kling/kling-3.0/standard/text-to-video';
const I2V = 'kling/kling-3.0/standard/image-to-video';
const PRO = 'kling/kling-3.0/pro/text-to-video';

const updates = [];
const polled = await fal.subscribe(T2V, {
  input: { prompt: 'A lighthouse at dusk', duration: 3, aspect_ratio: '1:1', sound: false },
  logs: true, pollInterval: 200,
  onQueueUpdate: (u) => updates.push({ status: u.status, logs: (u.logs || []).length, position: u.queue_position }),
});
report('polling', { requestId: polled.requestId, data: polled.data, updates, mp4: await download(polled.data.video.url, outDir, 'polling.mp4') });

const streamed = [];
const viaStream = await fal.subscribe(T2V, {
  input: { prompt: 'streamed', duration: 3, sound: false }, mode: 'streaming', logs: true,
  onQueueUpdate: (u) => streamed.push(u.status),
});
report('streaming', { requestId: viaStream.requestId, data: viaStream.data, updates: streamed });

const { request_id } = await fal.queue.submit(I2V, { input: { prompt: 'comes to life', duration: 3, generate_audio: false, start_image_url: imageUrl } });
let status;
const seen = [];
do {
  status = await fal.queue.status(I2V, { requestId: request_id, logs: true });
  seen.push(status.status);
  if (status.status !== 'COMPLETED') await new Promise((r) => setTimeout(r, 200));
} while (status.status !== 'COMPLETED');
const result = await fal.queue.result(I2V, { requestId: request_id });
report('queue', { requestId: request_id, seen, status, data: result.data, mp4: await download(result.data.video.url, outDir, 'queue.mp4') });

// A Blob input: the client uploads it through fal's storage API (proxied to Kino) and sends its file_url.
const blob = new Blob([fs.readFileSync(imagePath)], { type: 'image/png' });
const fromBlob = await fal.subscribe(I2V, { input: { prompt: 'from a blob', duration: 3, generate_audio: false, start_image_url: blob }, pollInterval: 200 });
report('blob', { requestId: fromBlob.requestId, data: fromBlob.data });

try {
  await fal.subscribe(I2V, { input: { prompt: 'no picture', duration: 3, start_image_url: missingImage }, pollInterval: 200 });
  report('failed', { error: null });
} catch (e) {
  report('failed', { status: e.status, body: e.body, message: e.message });
}

try {
  await fal.subscribe(T2V, { input: { prompt: 'too long', duration: 99 } });
  report('invalid', { error: null });
} catch (e) {
  report('invalid', { name: e.name, status: e.status, body: e.body });
}

// Last, as it keeps both workers busy: two long requests take them; the third, still queued, is cancelled.
const ids = [];
for (let i = 0; i < 3; i++) {
  ids.push((await fal.queue.submit(PRO, { input: { prompt: 'long ' + i, duration: 15, sound: true } })).request_id);
}
await fal.queue.cancel(PRO, { requestId: ids[2] });
const after = await fal.queue.status(PRO, { requestId: ids[2] });
let cancelledResult;
try {
  await fal.queue.result(PRO, { requestId: ids[2] });
  cancelledResult = { status: 200 };
} catch (e) {
  cancelledResult = { status: e.status, body: e.body };
}
report('cancelled', { status: after.status, result: cancelledResult, requestId: ids[2] });
