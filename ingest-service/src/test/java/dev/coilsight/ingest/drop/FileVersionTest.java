package dev.coilsight.ingest.drop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A file version's ledger key names it exactly and reads back, whatever characters the file name holds. */
class FileVersionTest {

    @Test
    void aKeyReadsBackAsTheVersionItNames() {
        FileVersion version = new FileVersion("coil-7", "cam 2|frame|0041.png", 123_456, 1_764_000_000_123L);
        assertThat(version.key()).isEqualTo("coil-7/cam 2|frame|0041.png|123456|1764000000123");
        assertThat(FileVersion.ofKey(version.key())).contains(version);
    }

    @Test
    void aChangedFileIsAnotherVersionAndAKeyThatIsNoneReadsAsNothing() {
        FileVersion version = new FileVersion("coil-7", "a.png", 10, 20);
        assertThat(new FileVersion("coil-7", "a.png", 11, 20).key()).isNotEqualTo(version.key());
        assertThat(new FileVersion("coil-7", "a.png", 10, 21).key()).isNotEqualTo(version.key());
        assertThat(FileVersion.ofKey("no separators")).isEmpty();
        assertThat(FileVersion.ofKey("coil/a.png|ten|20")).isEmpty();
        assertThat(FileVersion.ofKey("a.png|10|20")).as("no coil").isEmpty();
    }
}
