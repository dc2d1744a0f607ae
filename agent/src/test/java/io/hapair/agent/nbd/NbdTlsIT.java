package io.hapair.agent.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.agent.disk.FileBlockStore;
import io.hapair.agent.support.Command;
import io.hapair.agent.support.Command.Result;
import io.hapair.agent.tls.TlsContexts;
import io.hapair.common.QemuIo;
import io.hapair.common.tls.PairCertificates;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NBD STARTTLS with the pair's own CA, against libnbd and qemu as real TLS clients. */
class NbdTlsIT {
  private static final Duration T = Duration.ofSeconds(60);

  @TempDir Path dir;
  Path certs;
  FileBlockStore store;
  NbdServer server;

  @BeforeEach
  void start() throws IOException {
    certs = dir.resolve("certs");
    PairCertificates.generate(certs, "test", List.of("127.0.0.1", "localhost"));
    store = FileBlockStore.create(dir.resolve("disk.img"), 16 << 20);
    server =
        new NbdServer(
            new LocalExport("vol", store),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            TlsContexts.server(certs),
            Tags.of("group", "vol", "node", "tls"),
            "tls-test");
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    store.close();
  }

  private String tlsUri(Path certificates) {
    return "nbds://127.0.0.1:" + server.port() + "/vol?tls-certificates=" + certificates;
  }

  @Test
  void libnbdConnectsWithThePairCertificates() {
    Result info = Command.run(T, "nbdinfo", tlsUri(certs)).orFail();

    assertThat(info.stdout()).contains("with TLS").contains("export-size: 16777216");
  }

  @Test
  void qemuWritesAndReadsBackOverTls() {
    QemuIo.run(
            T,
            List.of(
                "--object",
                "tls-creds-x509,id=tls0,dir=" + certs + ",endpoint=client",
                "--image-opts",
                "driver=nbd,host=127.0.0.1,port=" + server.port() + ",export=vol,tls-creds=tls0"),
            QemuIo.writeCommand(0x6b, "0", "1M"),
            QemuIo.readCommand(0x6b, "0", "1M"))
        .orFail();
  }

  @Test
  void aPlainClientIsToldTlsIsRequiredAndSeesNoExport() {
    Result plain = Command.run(T, "nbdinfo", "nbd://127.0.0.1:" + server.port() + "/vol");

    assertThat(plain.exit()).isNotZero();
    assertThat(plain.stdout()).doesNotContain("export-size");
  }

  @Test
  void aClientFromAnotherPairIsRefused() throws IOException {
    Path stranger = dir.resolve("stranger");
    PairCertificates.generate(stranger, "other", List.of("127.0.0.1"));

    Result info = Command.run(T, "nbdinfo", tlsUri(stranger));

    assertThat(info.exit()).isNotZero();
  }
}
