package dev.kino.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFileStoreTest {
  @TempDir Path dataDir;

  @Test
  void put_moves_a_file_from_inside_the_data_directory_instead_of_copying_it() throws Exception {
    LocalFileStore files = new LocalFileStore(dataDir);
    Path work = Files.createDirectories(dataDir.resolve("work/job-1"));
    Path video = Files.write(work.resolve("video.mp4"), new byte[] {1, 2, 3, 4});

    files.put("jobs/job-1/1/video.mp4", video);

    StoredFile stored = files.find("jobs/job-1/1/video.mp4").orElseThrow();
    assertThat(Files.readAllBytes(stored.path())).containsExactly(1, 2, 3, 4);
    assertThat(stored.size()).isEqualTo(4);
    assertThat(video).as("moved, not copied").doesNotExist();
    assertThat(stored.path().resolveSibling("video.mp4.partial")).doesNotExist();
  }

  @Test
  void put_replaces_what_was_stored_under_the_key() throws Exception {
    LocalFileStore files = new LocalFileStore(dataDir);
    files.put("uploads/u/a.png", Files.write(dataDir.resolve("first"), new byte[] {1}));

    files.put("uploads/u/a.png", Files.write(dataDir.resolve("second"), new byte[] {2, 2}));

    assertThat(Files.readAllBytes(files.find("uploads/u/a.png").orElseThrow().path()))
        .containsExactly(2, 2);
  }

  @Test
  void a_stored_file_is_served_with_the_type_its_kind_has() throws Exception {
    LocalFileStore files = new LocalFileStore(dataDir);
    files.put("jobs/j/1/video.webm", Files.write(dataDir.resolve("a"), new byte[] {1}));
    files.put("jobs/j/1/audio.wav", Files.write(dataDir.resolve("b"), new byte[] {1}));

    assertThat(files.find("jobs/j/1/video.webm").orElseThrow().contentType())
        .isEqualTo("video/webm");
    assertThat(files.find("jobs/j/1/audio.wav").orElseThrow().contentType()).isEqualTo("audio/wav");
  }

  @Test
  void keys_lists_a_folders_files_and_deleting_the_last_removes_the_folders_it_had()
      throws Exception {
    LocalFileStore files = new LocalFileStore(dataDir);
    files.put("jobs/j/1/video.mp4", Files.write(dataDir.resolve("v"), new byte[] {1}));
    files.put("jobs/j/2/video.mp4", Files.write(dataDir.resolve("w"), new byte[] {1}));

    assertThat(files.keys("jobs/j")).containsExactly("jobs/j/1/video.mp4", "jobs/j/2/video.mp4");
    files.delete("jobs/j/1/video.mp4");
    files.delete("jobs/j/2/video.mp4");

    assertThat(files.keys("jobs/j")).isEmpty();
    assertThat(dataDir.resolve("files/jobs/j")).doesNotExist();
    assertThat(dataDir.resolve("files/jobs")).as("the top-level folder stays").isDirectory();
  }
}
