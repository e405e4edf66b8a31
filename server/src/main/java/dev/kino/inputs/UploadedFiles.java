package dev.kino.inputs;

import java.nio.file.Path;
import java.util.Optional;

/**
 * This server's own uploads ({@code POST /v1/files}), as input URLs name them: such a URL is read
 * from storage, never fetched over the network. Implemented by the uploads package.
 */
public interface UploadedFiles {
  /** The upload the URL names, if it is one of this server's upload URLs and the upload exists. */
  Optional<Found> find(String url);

  /**
   * Whose upload the URL names, if it is one of this server's upload URLs and the upload exists,
   * without bringing its bytes to this node (a submit only checks ownership).
   */
  default Optional<Named> named(String url) {
    return find(url).map(f -> new Named(f.id(), f.owner()));
  }

  /** An upload as inputs see it: whose it is and where its bytes are. */
  record Found(String id, String owner, Path path, long bytes) {}

  /** An upload by id and owner. */
  record Named(String id, String owner) {}

  UploadedFiles NONE = url -> Optional.empty();
}
