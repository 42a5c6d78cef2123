/**
 * The parallel-data pipeline: from two line-aligned text files to padded training batches.
 *
 * <pre>
 *   BitextReader ──▶ Tokenizer (thread pool) ──▶ BitextFilter ──▶ BinarizedDataset (ids + offsets, mmap)
 *                                                                        │
 *                                          TokenBatcher (length buckets, --max-tokens, seeded epochs)
 *                                                                        │
 *                                                                  BitextBatch ──▶ NDArrays
 * </pre>
 *
 * <ul>
 *   <li>{@link org.dmodel.data.BitextReader} streams pairs with strict UTF-8 decoding and checks that the files
 *       have the same number of lines.</li>
 *   <li>{@link org.dmodel.data.BinarizedDataset#binarizeIfNeeded} encodes the text once (in parallel, order
 *       kept), drops pairs by {@link org.dmodel.data.BitextFilter} and counts them in a
 *       {@link org.dmodel.data.FilterReport}, and writes a directory that later runs map instead of
 *       re-encoding; it is rebuilt when the text, the tokenizer models or the filter change.</li>
 *   <li>{@link org.dmodel.data.TokenBatcher} groups pairs of similar length into batches of at most
 *       {@code --max-tokens} padded tokens and deals them out per epoch in a seeded order that a checkpoint can
 *       resume.</li>
 *   <li>{@link org.dmodel.data.BitextBatch} adds the special ids (the convention is defined there, once) and
 *       pads within the batch.</li>
 * </ul>
 *
 * <p><b>Errors.</b> Everything a user can fix in the input (a missing file, invalid UTF-8, an empty file,
 * files of different lengths, a filter that keeps nothing, a pair that cannot fit {@code --max-tokens}) is an
 * {@link org.dmodel.cli.UsageException} whose message names the file (and line) and says what to do; commands
 * print it and exit with status 2. A damaged binarized directory is an {@link java.io.IOException} that says
 * to delete and rebuild it.
 *
 * <p>{@code bin/nmt-binarize} ({@link org.dmodel.data.BinarizeCommand}) builds a dataset ahead of training;
 * {@link org.dmodel.data.BitextOptions} declares the filter options for it and for {@code nmt-train}.
 */
package org.dmodel.data;
