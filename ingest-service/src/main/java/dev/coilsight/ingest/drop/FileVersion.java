package dev.coilsight.ingest.drop;

import java.util.Optional;

/**
 * One version of a dropped file: its coil, its name, its size and modification time. Its {@link #key()} names it in
 * the ledger, so that the same version is never published twice and a changed file counts as new.
 */
record FileVersion(String coilId, String name, long size, long modified) {

    /** {@code coil/name|size|modified}: names may hold '|', so the key is read from its end. */
    String key() {
        return coilId + "/" + name + "|" + size + "|" + modified;
    }

    /** The version a ledger key names; empty for a key that is not one. */
    static Optional<FileVersion> ofKey(String key) {
        int modifiedAt = key.lastIndexOf('|');
        int sizeAt = modifiedAt < 0 ? -1 : key.lastIndexOf('|', modifiedAt - 1);
        int nameAt = sizeAt < 0 ? -1 : key.lastIndexOf('/', sizeAt);
        if (nameAt < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new FileVersion(key.substring(0, nameAt), key.substring(nameAt + 1, sizeAt),
                    Long.parseLong(key.substring(sizeAt + 1, modifiedAt)), Long.parseLong(key.substring(modifiedAt + 1))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
