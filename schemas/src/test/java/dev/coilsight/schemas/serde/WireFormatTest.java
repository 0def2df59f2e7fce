package dev.coilsight.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void headerIsMagicZeroThenBigEndianSchemaId() {
        ByteBuffer buffer = ByteBuffer.allocate(8);
        WireFormat.writeHeader(buffer, 0x01020304);

        assertThat(buffer.array()).startsWith(0, 1, 2, 3, 4);
        buffer.flip();
        assertThat(WireFormat.readSchemaId(buffer, "t")).isEqualTo(0x01020304);
        assertThat(buffer.position()).isEqualTo(WireFormat.HEADER_SIZE);
    }

    @Test
    void jsonBytesAreRejectedNamingTheMagicByte() {
        ByteBuffer json = ByteBuffer.wrap("{\"imageId\":\"x\"}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> WireFormat.readSchemaId(json, "steel.images"))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("steel.images")
                .hasMessageContaining("magic byte 0x7b")
                .hasMessageContaining("expected 0x00");
    }

    @Test
    void tooShortRecordsAreRejected() {
        assertThatThrownBy(() -> WireFormat.readSchemaId(ByteBuffer.wrap(new byte[] {0, 0, 1}), "steel.defects"))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("3 bytes")
                .hasMessageContaining("too short");
    }
}
