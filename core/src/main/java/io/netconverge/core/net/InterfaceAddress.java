package io.netconverge.core.net;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address as an interface carries it: the host address and the length of its subnet ({@code
 * 198.51.100.2/24}, {@code 2001:db8:1::2/64}). Unlike a route's prefix, host bits are the point.
 *
 * @param host the address alone, canonical as {@code ip} prints it
 * @param length the subnet's prefix length
 */
public record InterfaceAddress(IpPrefix host, int length) {

  public InterfaceAddress {
    int max = host.family() == Family.IPV4 ? 32 : 128;
    if (length < 1 || length > max) {
      throw new IllegalArgumentException(
          "prefix length " + length + " is out of range 1.." + max + " for " + host.family());
    }
  }

  @JsonCreator
  public static InterfaceAddress parse(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "'" + text + "' needs its prefix length, as the interface has it (e.g. 198.51.100.2/24)");
    }
    IpPrefix host = IpPrefix.address(s.substring(0, slash));
    int length;
    try {
      length = Integer.parseInt(s.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
    }
    return new InterfaceAddress(host, length);
  }

  public Family family() {
    return host.family();
  }

  /** The address alone, e.g. {@code 198.51.100.2}. */
  public String address() {
    return host.address();
  }

  /** The connected subnet, e.g. {@code 198.51.100.0/24}. */
  public IpPrefix subnet() {
    return IpPrefix.parse(masked(host.address(), length) + "/" + length);
  }

  /** Whether {@code address} (a single address of the same family) is on this subnet. */
  public boolean contains(String address) {
    return masked(IpPrefix.address(address).address(), length)
        .equals(masked(host.address(), length));
  }

  private static String masked(String address, int length) {
    byte[] bytes = bytes(address);
    for (int bit = length; bit < bytes.length * 8; bit++) {
      bytes[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
    }
    try {
      return IpPrefix.of(InetAddress.getByAddress(bytes).getHostAddress(), bytes.length * 8)
          .address();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytes(String literal) {
    try {
      // A canonical literal: getByName parses it and never asks a resolver.
      return InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + literal + "' is not an address", e);
    }
  }

  @JsonValue
  @Override
  public String toString() {
    return host.address() + "/" + length;
  }
}
