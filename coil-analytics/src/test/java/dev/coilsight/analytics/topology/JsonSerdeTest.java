package dev.coilsight.analytics.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

import dev.coilsight.analytics.quality.CoilProgress;

class JsonSerdeTest {

    @Test
    void stateWrittenByANewerVersionWithAFieldThisOneDoesNotKnowStillRestores() {
        Serde<CoilProgress> serde = JsonSerde.of(CoilProgress.class);
        CoilProgress progress = new CoilProgress();
        progress.imagesInspected = 12;
        String written = new String(serde.serializer().serialize("changelog", progress), StandardCharsets.UTF_8);
        // What a later version adds; an instance rolled back to this one restores the coil all the same.
        String newer = written.substring(0, written.length() - 1) + ",\"fieldOfALaterVersion\":{\"any\":[1,2]}}";

        CoilProgress restored = serde.deserializer().deserialize("changelog", newer.getBytes(StandardCharsets.UTF_8));

        assertThat(restored.imagesInspected).isEqualTo(12);
    }

    @Test
    void anEndReasonAddedByANewerVersionRestoresAsTheContractsDefault() {
        Serde<CoilProgress> serde = JsonSerde.of(CoilProgress.class);
        CoilProgress progress = new CoilProgress();
        progress.imagesInspected = 7;
        progress.endReason = dev.coilsight.schemas.CoilEndReason.EXPLICIT;
        String written = new String(serde.serializer().serialize("changelog", progress), StandardCharsets.UTF_8);
        assertThat(written).contains("\"EXPLICIT\"");

        CoilProgress restored = serde.deserializer().deserialize("changelog",
                written.replace("\"EXPLICIT\"", "\"OPERATOR_STOP\"").getBytes(StandardCharsets.UTF_8));

        assertThat(restored.endReason).as("CoilGraded.avsc's default").isEqualTo(dev.coilsight.schemas.CoilEndReason.IDLE);
        assertThat(restored.imagesInspected).isEqualTo(7);
    }
}
