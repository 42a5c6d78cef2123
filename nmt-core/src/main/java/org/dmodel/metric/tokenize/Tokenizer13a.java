package org.dmodel.metric.tokenize;

/**
 * sacreBLEU's default BLEU tokenizer, equivalent to mteval-v13a as used by WMT: removes {@code <skipped>},
 * joins hyphenated line breaks, unescapes {@code &quot; &amp; &lt; &gt;}, pads the line with a space on each
 * side and applies {@link MtevalPunctuation}. Stateless and thread-safe.
 */
public final class Tokenizer13a implements SegmentTokenizer {
    @Override
    public String tokenize(String segment) {
        String line = segment.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (line.indexOf('&') >= 0) {
            // One replacement after the other, as sacreBLEU does: "&amp;lt;" becomes "<".
            line = line.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        }
        return MtevalPunctuation.tokenize(" " + line + " ");
    }

    @Override
    public String signature() {
        return "13a";
    }
}
