package dev.jclip.dist;

import dev.jclip.torch.TorchException;

import java.util.List;

/**
 * A collective or the rendezvous failed because of other ranks: they never arrived, died, left, or
 * stopped answering. The message names them; {@link #ranks()} lists them (empty when the failing
 * rank could not be told, e.g. a timeout while every peer still beats).
 *
 * <pre>{@code
 * try { pg.allReduceSum(t); }
 * catch (PeerFailureException e) { log(e.getMessage()); System.exit(1); }
 * }</pre>
 */
public class PeerFailureException extends TorchException {
    private final List<Integer> ranks;

    public PeerFailureException(String message, List<Integer> ranks, Throwable cause) {
        super(message, cause);
        this.ranks = List.copyOf(ranks);
    }

    /** The ranks held responsible. */
    public List<Integer> ranks() { return ranks; }
}
