// The official openai SDK against Kino's /openai/v1, unchanged but for its base URL: what an
// application written for OpenAI's Videos API does. Prints one JSON line per step for the Java test.
// Usage: node openai-videos.mjs BASE_URL OUT_DIR IMAGE_PATH MISSING_IMAGE_URL   (key: KINO_API_KEY)
import fs from 'node:fs';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { report } from './steps.mjs';

const [base, outDir, imagePath, missingImage] = process.argv.slice(2);
const client = new OpenAI({ apiKey: process.env.KINO_API_KEY, baseURL: base + '/openai/v1', maxRetries: 0 });
const T2V = 'kling/kling-3.0/standard/text-to-video';
const I2V = 'kling/kling-3.0/standard/image-to-video';

async function finished(id) {
  for (;;) {
    const video = await client.videos.retrieve(id);
    if (video.status === 'completed' || video.status === 'failed') return video;
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function save(id, variant, name) {
  const answer = await client.videos.downloadContent(id, { variant });
  const bytes = Buffer.from(await answer.arrayBuffer());
  const file = path.join(outDir, name);
  fs.writeFileSync(file, bytes);
  return { file, bytes: bytes.length, type: answer.headers.get('content-type') };
}

const created = await client.videos.create({ model: T2V, prompt: 'A lighthouse at dusk', seconds: '4', size: '1280x720' });
report('created', { video: created });
const done = await finished(created.id);
report('completed', { video: done, mp4: await save(done.id, 'video', 'text.mp4'), thumbnail: await save(done.id, 'thumbnail', 'text.jpg') });

const page = await client.videos.list({ limit: 10 });
report('listed', { ids: page.data.map((v) => v.id), has_more: page.has_more });

const remix = await client.videos.remix(done.id, { prompt: 'The same lighthouse at dawn' });
const remixed = await finished(remix.id);
report('remixed', { video: remixed, mp4: await save(remixed.id, 'video', 'remix.mp4') });

const fromImage = await client.videos.create({
  model: I2V, prompt: 'The picture comes to life', seconds: '3',
  input_reference: await toFile(fs.createReadStream(imagePath), 'start.png', { type: 'image/png' }),
});
const imageDone = await finished(fromImage.id);
report('image', { video: imageDone, mp4: await save(imageDone.id, 'video', 'image.mp4') });

try {
  await client.videos.create({ model: T2V, prompt: 'too long', seconds: '99' });
  report('invalid', { error: null });
} catch (e) {
  report('invalid', { status: e.status, param: e.param, code: e.code, type: e.type, message: e.message });
}

const failing = await client.videos.create({ model: I2V, prompt: 'no picture', seconds: '3', input_reference: { image_url: missingImage } });
report('failed', { video: await finished(failing.id) });

const deleted = await client.videos.delete(done.id);
report('deleted', { deleted });
try {
  await client.videos.downloadContent(done.id, { variant: 'video' });
  report('after-delete', { status: 200 });
} catch (e) {
  report('after-delete', { status: e.status, code: e.code });
}
