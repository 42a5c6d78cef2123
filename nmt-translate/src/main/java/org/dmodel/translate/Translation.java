package org.dmodel.translate;

/**
 * One translation of one input: the detokenized text, its target token ids (without BOS/EOS) and the
 * search score (sum of token log-probabilities divided by length^lenpen, as fairseq reports it). Immutable.
 */
public record Translation(String text, int[] tokens, double score) {}
