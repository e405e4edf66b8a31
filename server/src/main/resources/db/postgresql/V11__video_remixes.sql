-- The OpenAI Videos dialect's remixes: which video (a job) a remix was made from, shown as remixed_from_video_id.
CREATE TABLE video_remixes (
  job_id    TEXT PRIMARY KEY,
  source_id TEXT NOT NULL
);
