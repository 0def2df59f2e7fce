package dev.coilsight.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guards the contracts: each current schema must read data written with its last released version
 * (BACKWARD, as the registry enforces) and with every earlier released version that has it, every field must
 * say what it means, and each record must carry the fields DESIGN.md lists. When a release changes or adds a
 * schema, add a new folder of the released schemas under src/test/resources/released/ and list it in
 * {@link #RELEASES}.
 */
class SchemaEvolutionTest {

    /** The folders holding the schemas of each release to consumers, oldest first. */
    static final List<String> RELEASES = List.of("/released/v1/", "/released/v2/");
    /** The folder holding the schemas as last released to consumers. */
    static final String RELEASED = RELEASES.get(RELEASES.size() - 1);

    static Stream<Contracts.Contract> contracts() {
        return Contracts.all().stream();
    }

    static Schema released(String name) throws IOException {
        return released(RELEASED, name).orElseThrow(() -> new AssertionError("released schema " + RELEASED + name + ".avsc is missing"));
    }

    static java.util.Optional<Schema> released(String release, String name) throws IOException {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(release + name + ".avsc")) {
            return in == null ? java.util.Optional.empty() : java.util.Optional.of(new Schema.Parser().parse(in));
        }
    }

    static boolean canRead(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibilityType.COMPATIBLE;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contracts")
    void currentSchemaReadsDataWrittenWithTheReleasedVersion(Contracts.Contract contract) throws IOException {
        Schema current = contract.valueSchema();
        released(current.getName());
        for (String release : RELEASES) {
            java.util.Optional<Schema> released = released(release, current.getName());
            if (released.isEmpty()) {
                continue; // the contract is newer than this release
            }
            var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released.get());
            assertThat(result.getType())
                    .as("%s must stay BACKWARD compatible with %s%s: %s", current.getName(), release,
                            current.getName(), result.getResult().getIncompatibilities())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contracts")
    void readersOfEveryReleaseReadDataWrittenWithTheCurrentSchema(Contracts.Contract contract) throws IOException {
        Schema current = contract.valueSchema();
        for (String release : RELEASES) {
            java.util.Optional<Schema> released = released(release, current.getName());
            if (released.isPresent()) {
                var result = SchemaCompatibility.checkReaderWriterCompatibility(released.get(), current);
                assertThat(result.getType()).as("consumers on %s%s must read what is written now (FORWARD): %s", release,
                        current.getName(), result.getResult().getIncompatibilities()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contracts")
    void everyEnumHasADefaultSoThatASymbolAddedLaterDoesNotStopAReader(Contracts.Contract contract) {
        List<Schema> enums = new ArrayList<>();
        collectEnums(contract.valueSchema(), enums, new HashSet<>());
        assertThat(enums).allSatisfy(e -> assertThat(e.getEnumDefault()).as("%s's default", e.getFullName()).isNotNull());
    }

    private static void collectEnums(Schema schema, List<Schema> enums, Set<String> seen) {
        switch (schema.getType()) {
            case ENUM -> {
                if (seen.add(schema.getFullName())) {
                    enums.add(schema);
                }
            }
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    schema.getFields().forEach(f -> collectEnums(f.schema(), enums, seen));
                }
            }
            case UNION -> schema.getTypes().forEach(t -> collectEnums(t, enums, seen));
            case ARRAY -> collectEnums(schema.getElementType(), enums, seen);
            case MAP -> collectEnums(schema.getValueType(), enums, seen);
            default -> { }
        }
    }

    @Test
    void theCheckCatchesABreakingChange() throws IOException {
        Schema released = released("ImageCaptured");
        // A new required field without a default cannot be filled from old data.
        List<Schema.Field> fields = new ArrayList<>();
        released.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field("exposureUs", Schema.create(Schema.Type.LONG), "exposure", (Object) null));
        Schema broken = Schema.createRecord(released.getName(), released.getDoc(), released.getNamespace(), false, fields);

        assertThat(canRead(broken, released)).isFalse();
    }

    @Test
    void addingAnOptionalFieldWithADefaultStaysCompatible() throws IOException {
        Schema released = released("ImageCaptured");
        List<Schema.Field> fields = new ArrayList<>();
        released.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field("exposureUs", SchemaBuilder.builder().nullable().longType(), "exposure",
                Schema.Field.NULL_DEFAULT_VALUE));
        Schema evolved = Schema.createRecord(released.getName(), released.getDoc(), released.getNamespace(), false, fields);

        assertThat(canRead(evolved, released)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contracts")
    void everyRecordAndFieldIsDocumented(Contracts.Contract contract) {
        List<String> undocumented = new ArrayList<>();
        collectUndocumented(contract.valueSchema(), new HashSet<>(), undocumented);
        assertThat(undocumented).as("fields without a doc").isEmpty();
    }

    private static void collectUndocumented(Schema schema, Set<String> seen, List<String> out) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                if (schema.getDoc() == null || schema.getDoc().isBlank()) {
                    out.add(schema.getFullName());
                }
                for (Schema.Field field : schema.getFields()) {
                    if (field.doc() == null || field.doc().isBlank()) {
                        out.add(schema.getName() + "." + field.name());
                    }
                    collectUndocumented(field.schema(), seen, out);
                }
            }
            case UNION -> schema.getTypes().forEach(t -> collectUndocumented(t, seen, out));
            case ARRAY -> collectUndocumented(schema.getElementType(), seen, out);
            case MAP -> collectUndocumented(schema.getValueType(), seen, out);
            default -> { }
        }
    }

    @Test
    void recordsCarryTheFieldsTheDesignLists() {
        assertThat(fieldNames(ImageCaptured.getClassSchema())).contains("imageId", "coilId", "cameraId", "sequence",
                "capturedAt", "positionMm", "encoding", "width", "height", "bytes");
        assertThat(fieldNames(ImageClassified.getClassSchema())).contains("imageId", "coilId", "defectProbability",
                "defective", "threshold", "model", "timings");
        assertThat(fieldNames(DefectiveImage.getClassSchema())).contains("image", "classification");
        assertThat(fieldNames(DefectSegmentation.getClassSchema())).contains("imageId", "coilId", "masks", "model");
        assertThat(fieldNames(DefectMask.getClassSchema())).contains("classId", "className", "rle", "pixelCount",
                "boundingBox", "meanProbability", "componentCount");
        assertThat(fieldNames(CoilDefectStats.getClassSchema())).contains("coilId", "imagesInspected",
                "defectiveImages", "defectRate", "classes", "firstCapturedAt", "lastCapturedAt");
        assertThat(fieldNames(ClassDefectStats.getClassSchema())).contains("classId", "images", "pixels", "areaFraction");
        assertThat(fieldNames(ModelRef.getClassSchema())).contains("name", "version");
        // positionMm is optional: null when the line does not report it.
        assertThat(ImageCaptured.getClassSchema().getField("positionMm").hasDefaultValue()).isTrue();
    }

    private static List<String> fieldNames(Schema schema) {
        return schema.getFields().stream().map(Schema.Field::name).toList();
    }
}
