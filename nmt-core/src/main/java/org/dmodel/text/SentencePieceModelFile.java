package org.dmodel.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The piece table of a SentencePiece {@code .model} file, read straight from its protobuf.
 *
 * <p>DJL's SentencePiece binding cannot report the vocabulary size or the special ids, and looking up an id
 * past the end kills the JVM, so dmodel reads them here. Only {@code ModelProto.pieces} (field 1:
 * {@code piece} = 1, {@code type} = 3) is decoded; every other field is skipped.
 */
final class SentencePieceModelFile {
    // sentencepiece_model.proto, SentencePiece.Type
    private static final int TYPE_UNKNOWN = 2;
    private static final int TYPE_CONTROL = 3;

    private final List<String> pieces;
    private final SpecialIds specialIds;

    private SentencePieceModelFile(List<String> pieces, SpecialIds specialIds) {
        this.pieces = pieces;
        this.specialIds = specialIds;
    }

    static SentencePieceModelFile read(Path file, byte[] bytes) throws IOException {
        List<String> pieces = new ArrayList<>();
        int unk = -1;
        int pad = -1;
        int bos = -1;
        int eos = -1;
        Reader in = new Reader(file, bytes, 0, bytes.length);
        while (in.hasMore()) {
            long tag = in.varint();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == 2) {
                int length = (int) in.varint();
                Reader piece = new Reader(file, bytes, in.pos, in.pos + length);
                in.pos += length;
                String text = null;
                int type = 1; // NORMAL
                while (piece.hasMore()) {
                    long t = piece.varint();
                    int f = (int) (t >>> 3);
                    int w = (int) (t & 7);
                    if (f == 1 && w == 2) {
                        int n = (int) piece.varint();
                        text = new String(bytes, piece.pos, n, StandardCharsets.UTF_8);
                        piece.pos += n;
                    } else if (f == 3 && w == 0) {
                        type = (int) piece.varint();
                    } else {
                        piece.skip(w);
                    }
                }
                if (text == null) {
                    throw new IOException(file + ": piece " + pieces.size() + " has no text; not a SentencePiece model?");
                }
                int id = pieces.size();
                if (type == TYPE_UNKNOWN) {
                    unk = id;
                } else if (type == TYPE_CONTROL) {
                    switch (text) {
                        case "<pad>" -> pad = id;
                        case "<s>" -> bos = id;
                        case "</s>" -> eos = id;
                        default -> { }
                    }
                }
                pieces.add(text);
            } else {
                in.skip(wire);
            }
        }
        if (pieces.isEmpty()) {
            throw new IOException(file + ": no pieces found; this is not a SentencePiece .model file");
        }
        if (unk < 0 || pad < 0 || bos < 0 || eos < 0) {
            throw new IOException(file + ": the model lacks " + (pad < 0 ? "<pad> " : "") + (bos < 0 ? "<s> " : "")
                    + (eos < 0 ? "</s> " : "") + (unk < 0 ? "<unk> " : "")
                    + "as special pieces. Train it with data-scripts/spm-train.sh"
                    + " (--pad_id=0 --unk_id=1 --bos_id=2 --eos_id=3).");
        }
        return new SentencePieceModelFile(List.copyOf(pieces), new SpecialIds(pad, unk, bos, eos));
    }

    List<String> pieces() {
        return pieces;
    }

    SpecialIds specialIds() {
        return specialIds;
    }

    static byte[] readBytes(Path file) throws IOException {
        return Files.readAllBytes(file);
    }

    /** A protobuf wire-format cursor over one message. */
    private static final class Reader {
        private final Path file;
        private final byte[] bytes;
        private final int end;
        private int pos;

        Reader(Path file, byte[] bytes, int start, int end) throws IOException {
            if (end > bytes.length) {
                throw truncated(file);
            }
            this.file = file;
            this.bytes = bytes;
            this.pos = start;
            this.end = end;
        }

        boolean hasMore() {
            return pos < end;
        }

        long varint() throws IOException {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw truncated(file);
                }
                byte b = bytes[pos++];
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IOException(file + ": malformed varint; not a SentencePiece .model file");
        }

        void skip(int wire) throws IOException {
            switch (wire) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> {
                    int length = (int) varint(); // read first: `pos += varint()` would add to the old pos
                    pos += length;
                }
                case 5 -> pos += 4;
                default -> throw new IOException(file + ": unsupported protobuf wire type " + wire
                        + "; not a SentencePiece .model file");
            }
            if (pos > end) {
                throw truncated(file);
            }
        }

        private static IOException truncated(Path file) {
            return new IOException(file + ": the file ends in the middle of a record; it is truncated or not a"
                    + " SentencePiece .model file");
        }
    }
}
