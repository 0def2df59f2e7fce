package dev.coilsight.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The module map in README.md is the code's: every module of the parent pom has a row, every Java file of a module
 * lives under the package its row names, and the modules depend on each other one way (DESIGN.md).
 */
class ModuleLayoutTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z-]+)` \\| `(dev\\.coilsight\\.[a-z]+)` \\|");
    private static final Pattern MODULE = Pattern.compile("<module>([a-z-]+)</module>");
    private static final Pattern PACKAGE = Pattern.compile("^package ([a-z.]+);", Pattern.MULTILINE);
    private static final Pattern DEPENDENCY = Pattern.compile(
            "<dependency>\\s*(?:<!--.*?-->\\s*)?<groupId>dev\\.coilsight</groupId>\\s*<artifactId>([a-z-]+)</artifactId>(.*?)</dependency>", Pattern.DOTALL);

    /** Modules that only the command line, the embedded default, the benchmarks or the tests may depend on. */
    private static final Set<String> OUTER = Set.of("dev-stack", "model-trainer", "test-support", "benchmarks");

    @Test
    void everyModuleOfTheBuildHasItsRowAndOnlyThose() throws IOException {
        List<String> built = new ArrayList<>();
        Matcher m = MODULE.matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (m.find()) {
            built.add(m.group(1));
        }
        assertThat(packagesByModule().keySet()).containsExactlyInAnyOrderElementsOf(built);
    }

    @Test
    void everyJavaFileLivesUnderItsModulesPackageInTheFolderOfItsPackage() throws IOException {
        List<String> misplaced = new ArrayList<>();
        for (Map.Entry<String, String> row : packagesByModule().entrySet()) {
            Path src = ROOT.resolve(row.getKey()).resolve("src");
            if (!Files.isDirectory(src)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(src)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher pkg = PACKAGE.matcher(Files.readString(file));
                    String name = pkg.find() ? pkg.group(1) : "(no package)";
                    boolean under = name.equals(row.getValue()) || name.startsWith(row.getValue() + ".");
                    boolean inItsFolder = file.getParent().endsWith(name.replace('.', '/'));
                    if (!under || !inItsFolder) {
                        misplaced.add(ROOT.relativize(file) + " is in package " + name);
                    }
                }
            }
        }
        assertThat(misplaced).isEmpty();
    }

    @Test
    void theDomainCoreAndTheCommandLineDependOnNoOtherModuleAndNothingServedDependsOnTheOuterOnes() throws IOException {
        Map<String, List<String>> main = new LinkedHashMap<>();
        for (String module : packagesByModule().keySet()) {
            main.put(module, mainDependencies(module));
        }
        assertThat(main.get("inspection-core")).isEmpty();
        assertThat(main.get("cli")).isEmpty();
        assertThat(main.get("service-runtime")).containsOnly("schemas");
        main.forEach((module, deps) -> {
            if (!OUTER.contains(module)) {
                assertThat(deps).as(module).doesNotContainAnyElementsOf(OUTER);
            }
        });
        assertThat(main.get("coil-analytics")).as("coil-analytics serves no model").doesNotContain("worker-runtime");
    }

    /** The modules of Coilsight that a module needs at run time (test scope left out). */
    private static List<String> mainDependencies(String module) throws IOException {
        List<String> deps = new ArrayList<>();
        Matcher m = DEPENDENCY.matcher(Files.readString(ROOT.resolve(module).resolve("pom.xml")));
        while (m.find()) {
            if (!m.group(2).contains("<scope>test</scope>")) {
                deps.add(m.group(1));
            }
        }
        return deps;
    }

    private static Map<String, String> packagesByModule() throws IOException {
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(ROOT.resolve("README.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                rows.put(m.group(1), m.group(2));
            }
        }
        return rows;
    }
}
