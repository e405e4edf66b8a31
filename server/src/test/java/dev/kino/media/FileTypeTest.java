package dev.kino.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One answer, everywhere, to what kind a file is. */
class FileTypeTest {

  @ParameterizedTest
  @CsvSource({
    "jobs/a/1/video.mp4, video/mp4, video",
    "ComfyUI_00001_.webm, video/webm, video",
    "clip.MOV, video/quicktime, video",
    "loop.gif, image/gif, video",
    "frame.jpeg, image/jpeg, image",
    "still.webp, image/webp, image",
    "speech.wav, audio/wav, audio",
    "notes.txt, application/octet-stream, file",
    "no-extension, application/octet-stream, file"
  })
  void a_files_name_says_how_it_is_served_and_which_output_field_it_fills(
      String name, String contentType, String field) {
    assertThat(FileType.contentTypeOf(name)).isEqualTo(contentType);
    assertThat(FileType.fieldOf(name)).isEqualTo(field);
  }

  @Test
  void a_content_type_gives_the_extension_to_store_a_download_under() {
    assertThat(FileType.ofContentType("video/webm").map(FileType::extension)).contains(".webm");
    assertThat(FileType.ofContentType("Image/JPEG; charset=binary").map(FileType::extension))
        .contains(".jpg");
    assertThat(FileType.ofContentType("application/x-unknown")).isEmpty();
  }

  @Test
  void every_extension_belongs_to_one_type_only() {
    for (FileType type : FileType.values()) {
      assertThat(FileType.ofName("x" + type.extension())).contains(type);
    }
  }
}
