package org.cxrtriage.compliance.chain;

/** The last sequence number and hash of the chain, as kept outside the database. */
public record ChainHead(long sequence, String hash) {
}
