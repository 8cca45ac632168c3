package io.mailgrid.ingress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The client networks allowed to send mail over SMTP: a list of CIDR blocks such as
 * {@code 10.1.0.0/16, 192.0.2.7/32, 2001:db8::/32}. An empty list allows loopback clients only.
 *
 * <p>Addresses are parsed by {@link InetAddress} from literals only (never a DNS lookup).
 */
public final class ClientNetworks {

    private final List<Block> blocks;

    private ClientNetworks(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /**
     * Parses a comma-separated list of CIDR blocks; a bare address means that one host.
     *
     * @throws IllegalArgumentException naming the entry that is not a CIDR block
     */
    public static ClientNetworks parse(String list) {
        List<Block> blocks = new ArrayList<>();
        if (list != null) {
            for (String entry : list.split(",")) {
                String cidr = entry.trim();
                if (!cidr.isEmpty()) {
                    blocks.add(Block.parse(cidr));
                }
            }
        }
        return new ClientNetworks(blocks);
    }

    /** Whether no network is listed (then only loopback clients may send). */
    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** Whether a client at this address may send. */
    public boolean allows(InetAddress client) {
        if (blocks.isEmpty()) {
            return client.isLoopbackAddress();
        }
        return blocks.stream().anyMatch(block -> block.contains(client));
    }

    @Override
    public String toString() {
        return blocks.isEmpty() ? "loopback only" : String.join(",", blocks.stream().map(Block::toString).toList());
    }

    /** One CIDR block. */
    private record Block(byte[] network, int prefix, String text) {

        static Block parse(String cidr) {
            int slash = cidr.indexOf('/');
            String host = slash < 0 ? cidr : cidr.substring(0, slash);
            if (!host.matches("[0-9a-fA-F:.]+")) {
                throw new IllegalArgumentException("'" + cidr + "' is not a network such as 10.1.0.0/16");
            }
            byte[] address;
            try {
                address = InetAddress.getByName(host).getAddress(); // a literal: no DNS lookup
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + cidr + "' is not a network such as 10.1.0.0/16");
            }
            int bits = address.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(cidr.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("'" + cidr + "': the prefix length must be 0 to " + bits);
                }
            }
            return new Block(address, prefix, cidr);
        }

        boolean contains(InetAddress client) {
            byte[] candidate = client.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (candidate[full] & mask) == (network[full] & mask);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
