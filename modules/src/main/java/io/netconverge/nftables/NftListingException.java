package io.netconverge.nftables;

import io.netconverge.core.exec.ExecException;

/** nft printed something this version cannot pair up (e.g. JSON and text that disagree). */
public class NftListingException extends ExecException {

  private static final long serialVersionUID = 1L;

  public NftListingException(String message) {
    super(message);
  }
}
