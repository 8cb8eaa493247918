package dev.kafkatask.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the lines another process appends to a file, as they come: each call returns the
 * complete lines written since the previous one (a line without its end yet waits).
 *
 * @author kafka-task
 */
final class LineTail {

	private final Path file;

	private long position;

	private byte[] partial = new byte[0];

	LineTail(Path file) {
		this.file = file;
	}

	Path file() {
		return this.file;
	}

	/**
	 * Return the complete lines appended since the last call.
	 * @return the lines, without their ends
	 */
	synchronized List<String> newLines() {
		if (!Files.exists(this.file)) {
			return List.of();
		}
		byte[] read;
		try (FileChannel channel = FileChannel.open(this.file, StandardOpenOption.READ)) {
			long size = channel.size();
			if (size <= this.position) {
				return List.of();
			}
			ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 16, size - this.position));
			while (buffer.hasRemaining()) {
				int n = channel.read(buffer, this.position + buffer.position());
				if (n < 0) {
					break;
				}
			}
			this.position += buffer.position();
			read = new byte[this.partial.length + buffer.position()];
			System.arraycopy(this.partial, 0, read, 0, this.partial.length);
			System.arraycopy(buffer.array(), 0, read, this.partial.length, buffer.position());
		}
		catch (NoSuchFileException ex) {
			return List.of();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<String> lines = new ArrayList<>();
		int start = 0;
		for (int i = 0; i < read.length; i++) {
			if (read[i] == '\n') {
				lines.add(new String(read, start, i - start, StandardCharsets.UTF_8));
				start = i + 1;
			}
		}
		this.partial = java.util.Arrays.copyOfRange(read, start, read.length);
		return lines;
	}

}
