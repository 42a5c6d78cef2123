package org.dmodel.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.dmodel.io.ModelDirectory;
import org.dmodel.text.SentencePieceTokenizer;
import org.dmodel.text.Tokenizer;
import org.dmodel.translate.Translator;
import org.dmodel.translate.TranslatorOptions;

/**
 * What each executor JVM loads once and keeps for all the tasks it runs: the {@link Translator} (shared by the
 * executor's concurrent tasks; it is thread-safe) and the source tokenizer the planner counts tokens with.
 */
final class ExecutorModels {
    private static final Map<String, Translator> TRANSLATORS = new HashMap<>();
    private static final Map<Path, Tokenizer> TOKENIZERS = new HashMap<>();

    private ExecutorModels() {}

    /** The translator for this model and options, loaded (checksums verified) on first use. */
    static synchronized Translator translator(Path modelDir, TranslatorOptions options) throws IOException {
        String key = modelDir + "\n" + options;
        Translator t = TRANSLATORS.get(key);
        if (t == null) {
            t = Translator.load(modelDir, options);
            TRANSLATORS.put(key, t);
        }
        return t;
    }

    /** The model's source SentencePiece tokenizer (joint or separate, as {@link ModelDirectory} saves them). */
    static synchronized Tokenizer sourceTokenizer(Path modelDir) throws IOException {
        Tokenizer t = TOKENIZERS.get(modelDir);
        if (t == null) {
            Path joint = modelDir.resolve(ModelDirectory.JOINT_SPM);
            t = SentencePieceTokenizer.load(Files.exists(joint) ? joint : modelDir.resolve(ModelDirectory.SOURCE_SPM));
            TOKENIZERS.put(modelDir, t);
        }
        return t;
    }

    /** Frees everything (the embedded local mode runs its executor in the driver's JVM). */
    static synchronized void closeAll() {
        TRANSLATORS.values().forEach(Translator::close);
        TRANSLATORS.clear();
        TOKENIZERS.values().forEach(Tokenizer::close);
        TOKENIZERS.clear();
    }
}
