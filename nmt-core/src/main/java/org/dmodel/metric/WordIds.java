package org.dmodel.metric;

import org.dmodel.metric.tokenize.PythonText;

/**
 * Gives each distinct word an int id, reading words straight out of a tokenized line so that only new
 * words allocate a string. Words are compared by their characters (ids never collide). Not thread-safe:
 * one instance per scoring call.
 */
final class WordIds {
    private String[] words = new String[1024];
    private int[] hashes = new int[1024];
    private int[] ids = new int[1024];
    private int size;

    /** The id of {@code line.substring(from, to)}. */
    int id(String line, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + line.charAt(i);
        }
        int mask = words.length - 1;
        int slot = mix(h) & mask;
        int len = to - from;
        while (words[slot] != null) {
            String w = words[slot];
            if (hashes[slot] == h && w.length() == len && w.regionMatches(0, line, from, len)) {
                return ids[slot];
            }
            slot = (slot + 1) & mask;
        }
        words[slot] = line.substring(from, to);
        hashes[slot] = h;
        ids[slot] = size;
        size++;
        if (size * 2 > words.length) {
            grow();
        }
        return size - 1;
    }

    /**
     * Appends the ids of {@code line}'s words (split on Python whitespace) to {@code out} from {@code at}.
     *
     * @return the new end of {@code out}'s content; {@code out} must have room (see {@link #maxWords})
     */
    int split(String line, int[] out, int at) {
        int n = line.length();
        int i = 0;
        int k = at;
        while (i < n) {
            while (i < n && PythonText.isSpace(line.charAt(i))) {
                i++;
            }
            if (i == n) {
                break;
            }
            int from = i;
            while (i < n && !PythonText.isSpace(line.charAt(i))) {
                i++;
            }
            out[k++] = id(line, from, i);
        }
        return k;
    }

    /** An upper bound on the words {@link #split} finds in {@code line}. */
    static int maxWords(String line) {
        return line.length() / 2 + 1;
    }

    private static int mix(int h) {
        int x = h * 0x9E3779B9;
        return x ^ (x >>> 16);
    }

    private void grow() {
        String[] oldWords = words;
        int[] oldHashes = hashes;
        int[] oldIds = ids;
        int cap = words.length * 2;
        words = new String[cap];
        hashes = new int[cap];
        ids = new int[cap];
        int mask = cap - 1;
        for (int i = 0; i < oldWords.length; i++) {
            if (oldWords[i] != null) {
                int slot = mix(oldHashes[i]) & mask;
                while (words[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                words[slot] = oldWords[i];
                hashes[slot] = oldHashes[i];
                ids[slot] = oldIds[i];
            }
        }
    }
}
