package dev.coilsight.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import dev.coilsight.cli.CommandLines;

/** The demo refuses clearly, before starting anything, when it cannot run. */
class DemoCommandTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        System.setProperty("coilsight.root", ROOT.toString());
        CommandLine cli = CommandLines.create(new DemoCommand());
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }

    private Path dataset() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("train_images"));
        Files.write(data.resolve("train_images").resolve("a.png"), tinyPng());
        return data;
    }

    @Test
    void aTakenPortIsNamedWithTheOptionThatMovesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int exit = run("--once", "--dataset", dataset().toString(), "--dashboard-port", String.valueOf(taken.getLocalPort()));
            assertThat(exit).isEqualTo(2);
            assertThat(err.toString()).contains("port " + taken.getLocalPort()).contains("--dashboard-port").contains("already in use");
        }
    }

    @Test
    void missingModelsAreNamed() throws Exception {
        int exit = run("--once", "--dataset", dataset().toString(), "--models", tmp.resolve("no-models").toString());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("severstal-classifier").contains("is missing").contains("--models");
    }

    @Test
    void aBadRateOrCoilCountOrShadowModelIsNamedBeforeTheBrokerOrAnythingElseStarts() throws Exception {
        Path state = tmp.resolve("state");
        assertThat(run("--once", "--dataset", dataset().toString(), "--rate", "0", "--data-dir", state.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--rate must be > 0");
        assertThat(run("--once", "--dataset", dataset().toString(), "--coils", "0", "--data-dir", state.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--coils must be >= 1");
        assertThat(run("--once", "--dataset", dataset().toString(), "--shadow-segmenter", tmp.resolve("no-model").toString(),
                "--data-dir", state.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no-model");
        assertThat(state).as("no broker, registry or state store was started").doesNotExist();
    }

    @Test
    void labelsOfClassesTheLinesModelsDoNotHaveAreRefusedBeforeAnythingStarts() throws Exception {
        // A mask folder whose label image marks class 5, as magnetic tiles do; the severstal line's models have classes 1-4.
        Path data = tmp.resolve("tiles");
        Files.createDirectories(data.resolve("images"));
        Files.createDirectories(data.resolve("masks"));
        Files.write(data.resolve("images").resolve("a.png"), tinyPng());
        java.awt.image.BufferedImage mask = new java.awt.image.BufferedImage(32, 16, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        mask.getRaster().setSample(3, 4, 0, 5);
        javax.imageio.ImageIO.write(mask, "png", data.resolve("masks").resolve("a.png").toFile());
        Path state = tmp.resolve("state");
        int exit = run("--once", "--dataset", data.toString(), "--data-dir", state.toString());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("classes [5]").contains("severstal line").contains("--line").contains("magnetic-tile");
        assertThat(state).doesNotExist();
    }

    @Test
    void aMissingDatasetIsNamed() {
        int exit = run("--once", "--dataset", tmp.resolve("nowhere").toString());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("nowhere").contains("not a folder");
    }

    private static byte[] tinyPng() throws Exception {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(32, 16, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
