package org.dmodel.data;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only, memory-mapped array of fixed-width little-endian integers (2 bytes unsigned, 4 or 8 bytes
 * signed), written by {@link LittleEndianOutput}.
 *
 * <p>A {@link MappedByteBuffer} addresses at most 2 GiB, so the file is mapped in chunks of
 * {@code chunkBytes} (a power of two and a multiple of 8, so no element straddles two chunks). The mappings
 * live until they are garbage-collected; Java cannot unmap them earlier. Thread-safe: only absolute reads.
 */
final class MappedArray {
    /** Chunk size used outside tests: 1 GiB. */
    static final int DEFAULT_CHUNK_BYTES = 1 << 30;

    private final MappedByteBuffer[] chunks;
    private final int width;
    private final int chunkShift;
    private final long chunkMask;
    private final long length;

    private MappedArray(MappedByteBuffer[] chunks, int width, int chunkBytes, long length) {
        this.chunks = chunks;
        this.width = width;
        this.chunkShift = Integer.numberOfTrailingZeros(chunkBytes);
        this.chunkMask = chunkBytes - 1L;
        this.length = length;
    }

    /**
     * Maps {@code file}, which must hold exactly {@code expectedLength} elements of {@code width} bytes.
     *
     * @throws IOException when the size does not match (the message names the file and says to rebuild)
     */
    static MappedArray map(Path file, int width, long expectedLength, int chunkBytes) throws IOException {
        if (Integer.bitCount(chunkBytes) != 1 || chunkBytes < 8) {
            throw new IllegalArgumentException("chunkBytes must be a power of two of at least 8, got " + chunkBytes);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size != expectedLength * width) {
                throw new IOException(file + ": " + size + " bytes, expected " + expectedLength * width + " ("
                        + expectedLength + " elements of " + width + " bytes). The binarized dataset is damaged;"
                        + " delete its directory and binarize again.");
            }
            int count = (int) ((size + chunkBytes - 1) / chunkBytes);
            MappedByteBuffer[] chunks = new MappedByteBuffer[count];
            for (int c = 0; c < count; c++) {
                long start = (long) c * chunkBytes;
                chunks[c] = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(chunkBytes, size - start));
                chunks[c].order(ByteOrder.LITTLE_ENDIAN);
            }
            return new MappedArray(chunks, width, chunkBytes, expectedLength);
        }
    }

    /** Number of elements. */
    long length() {
        return length;
    }

    /** Element {@code index}. */
    long get(long index) {
        long position = index * width;
        MappedByteBuffer chunk = chunks[(int) (position >>> chunkShift)];
        int at = (int) (position & chunkMask);
        return switch (width) {
            case 2 -> chunk.getShort(at) & 0xffff;
            case 4 -> chunk.getInt(at);
            default -> chunk.getLong(at);
        };
    }

    /** Copies elements {@code [from, from + count)} into {@code out[outStart...]} as ints. */
    void copyInts(long from, int count, int[] out, int outStart) {
        for (int j = 0; j < count; j++) {
            out[outStart + j] = (int) get(from + j);
        }
    }
}
