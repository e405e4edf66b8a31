package dev.kino.engines.sandbox;

import java.awt.Font;
import java.awt.FontFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The sandbox's caption typeface, DejaVu Sans, shipped in the jar (its licence beside it in {@code
 * fonts/}), so frames look the same everywhere and a server with no system fonts renders too.
 *
 * <p>Java2D on Linux reads the system's font configuration before it draws any text, even with a
 * font of the program's own, and fails ("Fontconfig head is null") where there is none. So before
 * the first font is made, the two files are written to a folder of their own and named as Java's
 * logical fonts in a font configuration file of Kino's ({@code sun.awt.fontconfig}), unless the
 * operator set one.
 */
final class CaptionFonts {
  private static final List<String> FILES = List.of("DejaVuSans.ttf", "DejaVuSans-Bold.ttf");
  private static final Path FOLDER = unpack();
  private static final Font REGULAR = load(FOLDER.resolve(FILES.get(0)));
  private static final Font BOLD = load(FOLDER.resolve(FILES.get(1)));

  private CaptionFonts() {}

  static Font regular(float size) {
    return REGULAR.deriveFont(size);
  }

  static Font bold(float size) {
    return BOLD.deriveFont(size);
  }

  /** The fonts on disk, written once per user and version of this class's list. */
  private static Path unpack() {
    Path folder =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "kino-fonts-"
                + System.getProperty("user.name")
                + "-"
                + Integer.toHexString(FILES.hashCode()));
    try {
      Files.createDirectories(folder);
      for (String name : FILES) {
        Path target = folder.resolve(name);
        if (!Files.exists(target)) {
          writeAtomically(target, resource(name));
        }
      }
      Path config = folder.resolve("fontconfig.properties");
      if (!Files.exists(config)) {
        writeAtomically(config, configuration(folder).getBytes(StandardCharsets.UTF_8));
      }
      if (System.getProperty("sun.awt.fontconfig") == null) {
        System.setProperty("sun.awt.fontconfig", config.toString());
      }
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the caption fonts to " + folder, e);
    }
  }

  /** Every logical font (serif, sans, monospaced, dialog) in every style as DejaVu Sans. */
  private static String configuration(Path folder) {
    List<String> lines = new ArrayList<>(List.of("version=1", "sequence.allfonts=dejavu"));
    for (String family : List.of("serif", "sansserif", "monospaced", "dialog", "dialoginput")) {
      for (String style : List.of("plain", "bold", "italic", "bolditalic")) {
        String face = style.startsWith("bold") ? "DejaVu Sans Bold" : "DejaVu Sans";
        lines.add(family + "." + style + ".dejavu=" + face);
      }
    }
    lines.add("filename.DejaVu_Sans=" + folder.resolve(FILES.get(0)));
    lines.add("filename.DejaVu_Sans_Bold=" + folder.resolve(FILES.get(1)));
    return String.join("\n", lines) + "\n";
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = CaptionFonts.class.getResourceAsStream("/fonts/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks its font fonts/" + name);
      }
      return in.readAllBytes();
    }
  }

  /** Written beside and renamed, so a process starting at the same moment never reads half. */
  private static void writeAtomically(Path target, byte[] content) throws IOException {
    Path partial =
        Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
    Files.write(partial, content);
    Files.move(
        partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static Font load(Path file) {
    try {
      return Font.createFont(Font.TRUETYPE_FONT, file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the font " + file, e);
    } catch (FontFormatException e) {
      throw new IllegalStateException("the font " + file + " is damaged", e);
    }
  }
}
