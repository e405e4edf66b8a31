package dev.kino.api;

import dev.kino.dialects.fal.FalQueue;
import dev.kino.dialects.openai.VideoRemixes;
import dev.kino.jobs.EventHub;
import dev.kino.jobs.JobStore;
import dev.kino.models.ModelCatalog;
import dev.kino.requests.Cancellations;
import dev.kino.requests.Submissions;
import dev.kino.storage.FileStore;
import dev.kino.uploads.Uploads;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import java.time.Clock;

/**
 * Other APIs' routes over the same jobs: fal's queue ({@code /fal}), Replicate's predictions
 * ({@code /replicate/v1}) and OpenAI's Videos API ({@code /openai/v1}), each with the host check
 * and authentication every {@code /v1} route has, and errors in its own shape (see {@link
 * ErrorBodies}).
 */
record Dialects(
    ModelCatalog catalog,
    Submissions submissions,
    JobStore store,
    EventHub hub,
    Cancellations cancellations,
    Uploads uploads,
    FileStore files,
    VideoRemixes remixes,
    Links links,
    Clock clock) {

  void register(RoutesConfig routes, Handler hostCheck, Handler authenticate) {
    for (String prefix :
        new String[] {FalRoutes.PREFIX, ReplicateRoutes.PREFIX, OpenAiRoutes.PREFIX}) {
      routes.before(prefix + "*", hostCheck);
      routes.before(prefix + "*", authenticate);
    }
    FalRoutes fal = new FalRoutes(this);
    String falRequest = "/fal/queue/{owner}/{alias}/requests/{request_id}";
    routes.get(falRequest + "/status", fal::status);
    routes.get(falRequest + "/status/stream", fal::statusStream);
    routes.get(falRequest, fal::result);
    routes.put(falRequest + "/cancel", fal::cancel);
    routes.post("/fal/queue/<model_id>", fal::submit);
    routes.post(FalQueue.UPLOAD_INITIATE, fal::initiateUpload);
    routes.put("/fal/storage/upload/{upload_id}", fal::upload);

    ReplicateRoutes replicate = new ReplicateRoutes(this);
    routes.post("/replicate/v1/models/{owner}/{name}/predictions", replicate::createForModel);
    routes.get("/replicate/v1/models/{owner}/{name}", replicate::model);
    routes.post("/replicate/v1/predictions", replicate::createForVersion);
    routes.get("/replicate/v1/predictions", replicate::list);
    routes.get("/replicate/v1/predictions/{prediction_id}", replicate::get);
    routes.post("/replicate/v1/predictions/{prediction_id}/cancel", replicate::cancel);
    routes.get("/replicate/v1/predictions/{prediction_id}/stream", replicate::stream);
    routes.post("/replicate/v1/files", replicate::createFile);

    OpenAiRoutes openAi = new OpenAiRoutes(this);
    routes.post("/openai/v1/videos", openAi::create);
    routes.get("/openai/v1/videos", openAi::list);
    routes.get("/openai/v1/videos/{video_id}", openAi::retrieve);
    routes.delete("/openai/v1/videos/{video_id}", openAi::delete);
    routes.get("/openai/v1/videos/{video_id}/content", openAi::content);
    routes.post("/openai/v1/videos/{video_id}/remix", openAi::remix);
  }
}
