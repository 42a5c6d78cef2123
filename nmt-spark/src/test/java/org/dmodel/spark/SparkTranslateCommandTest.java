package org.dmodel.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.dmodel.io.TextLines;
import org.dmodel.testing.CommandRun;
import org.dmodel.translate.TestModels;
import org.dmodel.translate.cli.TranslateCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job on {@code local[2]} against {@code nmt-translate}: same lines in the same order, also when a task
 * fails once and Spark retries it; input errors named by file and line; sentence scores; Parquet in and out.
 */
class SparkTranslateCommandTest {
    /** Small partitions, so that the 60 test lines make several tasks and a retried one is not the whole job. */
    static final String PARTITION_TOKENS = "150";
    static final String[] DECODING = {"--beam", "2", "--max-len-b", "8"};

    @TempDir
    static Path shared;
    static Path model;
    static Path inputDir;
    static List<String> sources;
    static List<String> expected;

    @TempDir
    Path dir;

    @BeforeAll
    static void prepare() throws IOException {
        model = TestModels.random(shared.resolve("model"), "encdec", "mha");
        List<String> lines = TextLines.readAll(Path.of(System.getProperty("dmodel.repo.dir", ".."), "data",
                "tatoeba-eng-deu", "test.en.gz")).subList(0, 60);
        lines.set(7, ""); // an empty line translates to an empty line
        sources = lines;
        inputDir = Files.createDirectories(shared.resolve("in"));
        // two files, read in name order: a plain one and a gzipped one
        Files.write(inputDir.resolve("a.txt"), lines.subList(0, 25), StandardCharsets.UTF_8);
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(inputDir.resolve("b.txt.gz")))) {
            gz.write((String.join("\n", lines.subList(25, 60)) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Path all = shared.resolve("all.txt");
        Files.write(all, lines, StandardCharsets.UTF_8);
        Path out = shared.resolve("expected.txt");
        List<String> args = new ArrayList<>(List.of("-m", model.toString(), "-i", all.toString(), "-o", out.toString(),
                "-q"));
        args.addAll(List.of(DECODING));
        CommandRun r = CommandRun.of(new TranslateCommand(), args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        expected = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(60, expected.size());
    }

    static CommandRun spark(String master, Path in, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("-m", model.toString(), "-i", in.toString(), "-o", out.toString(),
                "--master", master, "--partition-tokens", PARTITION_TOKENS));
        args.addAll(List.of(DECODING));
        args.addAll(List.of(more));
        return CommandRun.of(new SparkTranslateCommand(), args.toArray(String[]::new));
    }

    /** {@code cat OUT/part-*}. */
    static List<String> parts(Path out) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> s = Files.list(out)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                lines.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    static long partCount(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> p.getFileName().toString().startsWith("part-")).count();
        }
    }

    @Test
    void sameOutputAsNmtTranslateInInputOrder() throws IOException {
        Path out = dir.resolve("out");
        CommandRun r = spark("local[2]", inputDir, out);
        assertEquals(0, r.status(), r.err());
        assertEquals(expected, parts(out));
        assertTrue(partCount(out) > 2, "several partitions: " + partCount(out));
        assertTrue(Files.exists(out.resolve("_SUCCESS")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("out"), s.map(p -> p.getFileName().toString()).toList(), "no temporary left");
        }
    }

    @Test
    void aShippedShortlistGivesNmtTranslatesOutput() throws IOException {
        Path lexicon = dir.resolve("lex.tsv");
        Files.writeString(lexicon, "\t.\t0.4\n\t▁die\t0.3\n\t▁Tom\t0.2\n▁Tom\t▁Tom\t0.9\n", StandardCharsets.UTF_8);
        Path all = dir.resolve("all.txt");
        Files.write(all, sources, StandardCharsets.UTF_8);
        Path listed = dir.resolve("listed.txt");
        List<String> args = new ArrayList<>(List.of("-m", model.toString(), "-i", all.toString(), "-o",
                listed.toString(), "-q", "--shortlist", lexicon.toString(), "--shortlist-first", "2"));
        args.addAll(List.of(DECODING));
        CommandRun local = CommandRun.of(new TranslateCommand(), args.toArray(String[]::new));
        assertEquals(0, local.status(), local.err());
        List<String> want = Files.readAllLines(listed, StandardCharsets.UTF_8);
        assertFalse(want.equals(expected), "the shortlist changes the random model's output");
        Path out = dir.resolve("out");
        CommandRun r = spark("local[2]", inputDir, out, "--shortlist", lexicon.toString(), "--shortlist-first", "2");
        assertEquals(0, r.status(), r.err());
        assertEquals(want, parts(out));
    }

    @Test
    void int8GivesNmtTranslatesInt8OutputWhateverThePartitions() throws IOException {
        Path all = dir.resolve("all.txt");
        Files.write(all, sources, StandardCharsets.UTF_8);
        Path local = dir.resolve("local.txt");
        List<String> args = new ArrayList<>(List.of("-m", model.toString(), "-i", all.toString(), "-o",
                local.toString(), "-q", "--precision", "int8"));
        args.addAll(List.of(DECODING));
        CommandRun translate = CommandRun.of(new TranslateCommand(), args.toArray(String[]::new));
        assertEquals(0, translate.status(), translate.err());
        Path out = dir.resolve("out");
        CommandRun r = spark("local[2]", inputDir, out, "--precision", "int8");
        assertEquals(0, r.status(), r.err());
        assertEquals(Files.readAllLines(local, StandardCharsets.UTF_8), parts(out));
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheOutputIsTheSame() throws IOException {
        Path out = dir.resolve("out");
        // local[2,2]: two threads, each task tried up to twice; partition 1 fails half-way through its first try
        CommandRun r = spark("local[2,2]", inputDir, out, "--conf", TranslateJob.FAIL_ONCE + "=1");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("injected failure"), "the task failed once: " + r.err());
        assertEquals(expected, parts(out));
    }

    @Test
    void withoutRetriesTheFailedTaskFailsTheJobAndLeavesNoOutput() {
        Path out = dir.resolve("out");
        CommandRun r = spark("local[2]", inputDir, out, "--conf", TranslateJob.FAIL_ONCE + "=1");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("injected failure"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void invalidUtf8FailsNamingFileAndLine() throws IOException {
        Path in = Files.createDirectories(dir.resolve("bad"));
        Files.write(in.resolve("bad.txt"), new byte[] {'o', 'k', '\n', 'f', 'i', 'n', 'e', '\n', 'b', (byte) 0xE4,
            'd', '\n'});
        Path out = dir.resolve("out");
        CommandRun r = spark("local[2]", in, out);
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("bad.txt:3: invalid UTF-8"), r.err());
        assertFalse(Files.exists(out));
    }

    /** References that are nmt-translate's own translations, split like the input: every non-empty line scores 100. */
    Path ownTranslationsAsReferences() throws IOException {
        Path refs = Files.createDirectories(dir.resolve("refs"));
        Files.write(refs.resolve("a.txt"), expected.subList(0, 25), StandardCharsets.UTF_8);
        Files.write(refs.resolve("b.txt"), expected.subList(25, 60), StandardCharsets.UTF_8);
        return refs;
    }

    @Test
    void scoreWithGivesSentenceBleuAndChrfPerLine() throws IOException {
        Path out = dir.resolve("out");
        CommandRun r = spark("local[2]", inputDir, out, "--score-with", ownTranslationsAsReferences().toString());
        assertEquals(0, r.status(), r.err());
        List<String> got = parts(out);
        assertEquals(60, got.size());
        for (int i = 0; i < 60; i++) {
            String[] f = got.get(i).split("\t", 3);
            assertEquals(expected.get(i), f[2], "line " + (i + 1));
            if (!expected.get(i).isEmpty()) {
                assertEquals("100.00", f[0], "BLEU of line " + (i + 1));
                assertEquals("100.00", f[1], "chrF of line " + (i + 1));
            }
        }
    }

    @Test
    void parquetOutputHasIdSourceTranslationScoreAndTheSentenceScores() throws IOException {
        Path out = dir.resolve("out.parquet");
        CommandRun r = spark("local[2]", inputDir, out, "--score-with", ownTranslationsAsReferences().toString(),
                "--output-format", "parquet");
        assertEquals(0, r.status(), r.err());
        SparkSession session = SparkSession.builder().master("local[1]").getOrCreate();
        try {
            Dataset<Row> table = session.read().parquet(out.toString());
            assertEquals(List.of("id", "source", "translation", "score", "reference", "bleu", "chrf"),
                    List.of(table.columns()));
            List<Row> rows = table.orderBy("id").collectAsList();
            assertEquals(60, rows.size());
            for (int i = 0; i < 60; i++) {
                Row row = rows.get(i);
                assertEquals(i, row.getLong(0));
                assertEquals(sources.get(i), row.getString(1), "source " + i);
                assertEquals(expected.get(i), row.getString(2), "translation " + i);
                if (!expected.get(i).isEmpty()) {
                    assertEquals(100.0, row.getDouble(5), 1e-9, "BLEU " + i);
                }
            }
        } finally {
            session.stop();
        }
    }

    @Test
    void parquetInputIsTranslatedInRowOrder() throws IOException {
        Path table = dir.resolve("in.parquet");
        SparkSession session = SparkSession.builder().master("local[1]").getOrCreate();
        try {
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < sources.size(); i++) {
                rows.add(RowFactory.create((long) i, sources.get(i)));
            }
            StructType schema = new StructType().add("n", DataTypes.LongType).add("sentence", DataTypes.StringType);
            session.createDataFrame(rows, schema).coalesce(1).write().parquet(table.toString());
        } finally {
            session.stop();
        }
        Path out = dir.resolve("out");
        CommandRun r = spark("local[2]", table, out, "--text-column", "sentence");
        assertEquals(0, r.status(), r.err());
        assertEquals(expected, parts(out));
        CommandRun missing = spark("local[2]", table, dir.resolve("out2"), "--text-column", "text");
        assertEquals(2, missing.status(), missing.err());
        assertTrue(missing.err().contains("text"), missing.err());
    }

    @Test
    void unalignedReferencesAreAnInputError() throws IOException {
        Path refs = ownTranslationsAsReferences();
        Files.write(refs.resolve("b.txt"), expected.subList(25, 59), StandardCharsets.UTF_8);
        CommandRun r = spark("local[2]", inputDir, dir.resolve("out"), "--score-with", refs.toString());
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("b.txt has 34 lines but"), r.err());
    }
}
