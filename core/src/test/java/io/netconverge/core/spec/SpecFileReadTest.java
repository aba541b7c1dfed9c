package io.netconverge.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.exec.LocalExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Only regular files of bounded size are read: nothing can block the loader or fill the heap. */
class SpecFileReadTest {

  @TempDir Path dir;

  @Test
  @Timeout(10)
  void aDeviceAFifoAndADirectoryAreRefusedWithoutReadingThem() throws Exception {
    Path fifo = dir.resolve("fifo.yaml");
    new LocalExecutor().check("mkfifo", fifo.toString());
    assertThatThrownBy(() -> SpecLoader.read(Path.of("/dev/zero")))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessage("/dev/zero: not a regular file (a device, FIFO or socket); nothing was read");
    assertThatThrownBy(() -> SpecLoader.read(fifo))
        .hasMessage(fifo + ": not a regular file (a device, FIFO or socket); nothing was read");
    assertThatThrownBy(() -> SpecLoader.read(dir)).hasMessage(dir + ": a directory, not a file");
  }

  @Test
  void aFileOverTheLimitIsRefusedByItsSize() throws Exception {
    Path big = dir.resolve("big.yaml");
    Files.write(big, new byte[(int) SpecLoader.MAX_FILE_BYTES + 1]);
    assertThatThrownBy(() -> SpecLoader.read(big))
        .hasMessage(big + ": the file is 4194305 bytes; files are read up to 4 MiB");
  }

  @Test
  void aLinkToARegularFileIsRead() throws Exception {
    Path real = Files.writeString(dir.resolve("real.yaml"), "a: 1\n");
    Path link = Files.createSymbolicLink(dir.resolve("link.yaml"), real);
    assertThat(SpecLoader.read(link)).isEqualTo("a: 1\n");
  }
}
