package org.dmodel.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps style.md §2's arrows: search talks to models only through {@link StepModel} and {@link DecoderState},
 * so it compiles without {@code org.dmodel.model} or {@code org.dmodel.attention} and never learns which
 * attention a layer uses.
 */
class SearchArchitectureTest {
    private static final Pattern FORBIDDEN = Pattern.compile("\\borg\\.dmodel\\.(model|attention)\\b");

    @Test
    void searchDependsOnNoModelOrAttentionCode() throws IOException {
        Path sources = Path.of(System.getProperty("dmodel.repo.dir", "."))
                .resolve("nmt-core/src/main/java/org/dmodel/search");
        if (!Files.isDirectory(sources)) {
            sources = Path.of("src/main/java/org/dmodel/search"); // run from the module directory
        }
        List<String> offenders = new ArrayList<>();
        int files = 0;
        try (Stream<Path> paths = Files.walk(sources)) {
            for (Path file : paths.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = FORBIDDEN.matcher(lines.get(i));
                    if (m.find()) {
                        offenders.add(file.getFileName() + ":" + (i + 1) + ": " + lines.get(i).trim());
                    }
                }
            }
        }
        assertTrue(files >= 10, "found the search sources in " + sources);
        assertEquals(List.of(), offenders, "org.dmodel.search must not mention org.dmodel.model or .attention");
    }
}
