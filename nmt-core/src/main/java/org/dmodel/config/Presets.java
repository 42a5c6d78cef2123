package org.dmodel.config;

import java.util.List;
import java.util.Locale;

/**
 * Named model sizes (Marian's {@code --task}): {@code tiny} (tests), {@code small}, {@code iwslt}
 * ({@code transformer_iwslt_de_en}), {@code base} and {@code big} (WMT, Vaswani et al.). A preset sets
 * only the sizes; architecture, attention and the rest keep their values. For {@code encdec} the layer
 * count is per side (6 = 6+6); an {@code lwc} stack of L layers pairs with an encdec of L+L. Stateless.
 */
public final class Presets {
    /** Preset names in size order. */
    public static final List<String> NAMES = List.of("tiny", "small", "iwslt", "base", "big");

    private Presets() {}

    /**
     * Applies the sizes of a preset to {@code builder} and returns it.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static ModelConfig.Builder apply(String name, ModelConfig.Builder builder) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "tiny" -> sizes(builder, 2, 32, 2, 64);
            case "small" -> sizes(builder, 3, 256, 4, 1024);
            case "iwslt" -> sizes(builder, 6, 512, 4, 1024);
            case "base" -> sizes(builder, 6, 512, 8, 2048);
            case "big" -> sizes(builder, 6, 1024, 16, 4096);
            default -> throw new IllegalArgumentException("preset '" + name + "' is not one of " + String.join(", ", NAMES));
        };
    }

    /** A builder with the defaults and the preset's sizes. */
    public static ModelConfig.Builder of(String name) {
        return apply(name, ModelConfig.builder());
    }

    private static ModelConfig.Builder sizes(ModelConfig.Builder b, int layers, int dModel, int heads, int ffnDim) {
        return b.layers(layers).dModel(dModel).heads(heads).headDim(0).ffnDim(ffnDim);
    }
}
