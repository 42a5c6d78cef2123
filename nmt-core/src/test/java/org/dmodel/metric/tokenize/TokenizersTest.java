package org.dmodel.metric.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each expected string is what sacreBLEU 2.6.0's own tokenizer returns for the input (run from its source). */
class TokenizersTest {
    @Test
    void tokenizer13aMatchesSacrebleu() {
        SegmentTokenizer t = Tokenizers.forName("13a");
        assertEquals("Hello , world ! It's 3.5 km ( 2,000 m ) to go .", t.tokenize("Hello, world! It's 3.5 km (2,000 m) to go."));
        assertEquals("a < b \" x \" 1990 - 2000 end .", t.tokenize("a&amp;lt;b &quot;x&quot; 1990-2000 <skipped>end."));
        assertEquals(". . . etc , , and nbsp", t.tokenize("...etc,,and\u00a0nbsp"));
    }

    @Test
    void intlSplitsUnicodePunctuationAndSymbols() {
        SegmentTokenizer t = Tokenizers.forName("intl");
        assertEquals("Hello , world ! It ' s 3.5 km ( 2,000 m ) to go .", t.tokenize("Hello, world! It's 3.5 km (2,000 m) to go."));
        assertEquals("« Bonjour » – dit - il … € 5 1.000,50", t.tokenize("«Bonjour» – dit-il… €5 1.000,50"));
        // mteval-v14's quirk, kept by sacreBLEU: a number's final period stays attached.
        assertEquals("The year 1990.", t.tokenize("The year 1990."));
    }

    @Test
    void zhSplitsChineseAndReproducesSacrebleusRangeQuirk() {
        SegmentTokenizer t = Tokenizers.forName("zh");
        assertEquals("我 爱 北 京 天 安 门 。 Hello , world !", t.tokenize("我爱北京天安门。Hello, world!"));
        // U+2019 and U+201C fall in the range sacreBLEU really tests; U+20000 (Extension B) does not.
        assertEquals("It ’ s “ quoted ” \uD840\uDC00 ok .", t.tokenize("It’s “quoted” \uD840\uDC00 ok."));
    }

    @Test
    void charTokenizerSplitsCodePoints() {
        assertEquals("a b   c \uD83D\uDE00", Tokenizers.forName("char").tokenize("ab c\uD83D\uDE00"));
        assertEquals("x  y", Tokenizers.forName("none").tokenize("x  y"));
    }

    @Test
    void unimplementedTokenizersFailWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.forName("ja-mecab"));
        assertTrue(e.getMessage().contains("not implemented"), e.getMessage());
        assertTrue(e.getMessage().contains("13a"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tokenizers.forName("bogus"));
    }

    @Test
    void tercomNormalizerMatchesSacrebleu() {
        String en = "He said: \"It's John's car, 3.5 mph.\"";
        String zh = "我爱北京。（你好）Ｈｉ！";
        assertEquals("he said: \"it's john's car, 3.5 mph.\"", new TercomTokenizer(false, false, false, false).tokenize(en));
        assertEquals("he said : \" it 's john 's car , 3.5 mph . \"", new TercomTokenizer(true, false, false, false).tokenize(en));
        assertEquals("he said it 's john 's car 35 mph", new TercomTokenizer(true, true, true, false).tokenize(en));
        assertEquals("我 爱 北 京 你 好 ｈｉ", new TercomTokenizer(true, true, true, false).tokenize(zh));
        assertEquals("He said It's John's car 35 mph", new TercomTokenizer(false, true, false, true).tokenize(en));
        assertEquals(zh, new TercomTokenizer(false, true, false, true).tokenize(zh));
    }

    @Test
    void pythonWhitespaceIsNotJavas() {
        assertTrue(PythonText.isSpace(0xA0));
        assertTrue(PythonText.isSpace(0x202F));
        assertTrue(PythonText.isSpace(0x1C));
        assertFalse(PythonText.isSpace(0x200B));
        assertEquals("a b", PythonText.collapseSpaces("\u3000a\u2009\u2009b\u0085"));
    }
}
