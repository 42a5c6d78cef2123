package org.dmodel.data;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends fixed-width little-endian integers to a new file through a 1 MiB buffer: the writing side of
 * {@link MappedArray}. Not thread-safe.
 */
final class LittleEndianOutput implements Closeable {
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private final int width;

    /** Creates {@code file} for elements of {@code width} bytes: 2 (unsigned), 4 or 8. */
    LittleEndianOutput(Path file, int width) throws IOException {
        if (width != 2 && width != 4 && width != 8) {
            throw new IllegalArgumentException("element width must be 2, 4 or 8 bytes, got " + width);
        }
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        this.width = width;
    }

    /** Appends one element; it must fit the width (0..65535 for 2 bytes). */
    void write(long value) throws IOException {
        if (buffer.remaining() < width) {
            drain();
        }
        switch (width) {
            case 2 -> {
                if (value < 0 || value > 0xffff) {
                    throw new IllegalArgumentException(value + " does not fit in an unsigned 16-bit id");
                }
                buffer.putShort((short) value);
            }
            case 4 -> buffer.putInt(Math.toIntExact(value));
            default -> buffer.putLong(value);
        }
    }

    private void drain() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    /** Writes what is buffered, forces it to disk and closes the file. */
    @Override
    public void close() throws IOException {
        try {
            drain();
            channel.force(true);
        } finally {
            channel.close();
        }
    }
}
