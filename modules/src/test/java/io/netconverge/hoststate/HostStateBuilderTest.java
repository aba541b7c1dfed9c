package io.netconverge.hoststate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netconverge.Netconverge;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.core.spec.SpecProblem;
import io.netconverge.dualwan.DualWanSpec;
import io.netconverge.sysctl.SysctlState;
import org.junit.jupiter.api.Test;

class HostStateBuilderTest {

  private static final String TWO_WANS_ONE_MARK =
      "apiVersion: netconverge/v1\nkind: HostState\ndualWan:\n  backend: nftables\n"
          + "  markMask: \"0xff\"\n  wans:\n"
          + "    - { name: isp1, interface: wan0, mark: 10, table: 110, gateway: 198.51.100.1 }\n"
          + "    - { name: isp2, interface: wan1, mark: 10, table: 120, gateway: 203.0.113.1 }\n";

  /** The same profile as Java code would build it: bound plainly, never checked by a loader. */
  private static final String TWO_WANS_ONE_MARK_JSON =
      "{\"dualWan\": {\"backend\": \"nftables\", \"markMask\": \"0xff\", \"wans\": ["
          + "{\"name\": \"isp1\", \"interface\": \"wan0\", \"mark\": 10, \"table\": 110,"
          + " \"gateway\": \"198.51.100.1\"},"
          + "{\"name\": \"isp2\", \"interface\": \"wan1\", \"mark\": 10, \"table\": 120,"
          + " \"gateway\": \"203.0.113.1\"}]}}";

  private static HostStateSpec unchecked(String json) throws Exception {
    return io.netconverge.core.spec.SpecLoader.json().readValue(json, HostStateSpec.class);
  }

  private static DualWanSpec profile(String json) throws Exception {
    return unchecked(json).dualWan();
  }

  @Test
  void aJavaBuiltStateWithTwoEqualMarksFailsLikeTheFile() throws Exception {
    InvalidSpecException fromFile =
        assertThrows(
            InvalidSpecException.class, () -> Netconverge.parse(TWO_WANS_ONE_MARK, "f.yaml"));
    InvalidSpecException fromCode =
        assertThrows(
            InvalidSpecException.class,
            () -> HostState.builder().dualWan(profile(TWO_WANS_ONE_MARK_JSON)).build());
    SpecProblem file = fromFile.problems().get(0);
    SpecProblem code = fromCode.problems().get(0);
    assertThat(code.source()).isEqualTo("(declared in code)");
    assertThat(code.path()).isEqualTo(file.path()).isEqualTo("dualWan.wans[1].mark");
    assertThat(code.message()).isEqualTo(file.message()).contains("mark 0xa is already used");
  }

  @Test
  void fromASpecValidatesToo() throws Exception {
    HostStateSpec spec = unchecked(TWO_WANS_ONE_MARK_JSON);
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> HostState.from(spec));
    assertThat(e.problems()).extracting(SpecProblem::path).containsExactly("dualWan.wans[1].mark");
  }

  @Test
  void aDualWanWithoutMarkMaskIsAClearErrorNotANullPointer() throws Exception {
    DualWanSpec noMask =
        profile(
            TWO_WANS_ONE_MARK_JSON
                .replace("\"markMask\": \"0xff\", ", "")
                .replace("\"mark\": 10, \"table\": 120", "\"mark\": 20, \"table\": 120"));
    InvalidSpecException e =
        assertThrows(InvalidSpecException.class, () -> HostState.builder().dualWan(noMask).build());
    assertThat(e.getMessage())
        .isEqualTo(
            "(declared in code): dualWan: missing required key 'markMask': the mark bits the"
                + " profile owns, e.g. \"0xff\"");
  }

  @Test
  void aSystemTableIdUnderACustomNameIsRefusedInCodeToo() throws Exception {
    for (long id : new long[] {0, 253, 254, 255}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  HostState.builder()
                      .routeTable(
                          io.netconverge.route.RouteTableSpec.of("isp1", id, java.util.List.of())));
      assertThat(e.getMessage()).startsWith("table " + id + " is ");
    }
    InvalidSpecException e =
        assertThrows(
            InvalidSpecException.class,
            () ->
                HostState.builder()
                    .dualWan(
                        profile(
                            TWO_WANS_ONE_MARK_JSON.replace(
                                "\"mark\": 10, \"table\": 120", "\"mark\": 20, \"table\": 255")))
                    .build());
    assertThat(e.problems()).extracting(SpecProblem::path).containsExactly("dualWan.wans[1].table");
  }

  @Test
  void aBadSysctlNameIsNamedByItsField() {
    InvalidSpecException e =
        assertThrows(
            InvalidSpecException.class,
            () ->
                HostState.builder()
                    .sysctl("net..ipv4", "1")
                    .sysctl("net.ipv4.ip_forward", "1")
                    .build());
    assertThat(e.getMessage()).startsWith("(declared in code): sysctl[\"net..ipv4\"]: 'net..ipv4'");
  }

  @Test
  void aSysctlDeclaredTwiceIsAProblemAsInAFileNotTheLastValue() {
    InvalidSpecException e =
        assertThrows(
            InvalidSpecException.class,
            () ->
                HostState.builder()
                    .sysctl("net.ipv4.ip_forward", "1")
                    .sysctl("net.ipv4.ip_forward", "0")
                    .build());
    assertThat(e.getMessage())
        .isEqualTo("(declared in code): sysctl: duplicate key 'net.ipv4.ip_forward'");
  }

  @Test
  void aValidStateBuildsTheModulesInApplyOrder() throws Exception {
    HostState state =
        HostState.builder()
            .sysctl("net.ipv4.ip_forward", "1")
            .nftables("inet filter", "chain input { type filter hook input priority 0; }")
            .build();
    assertThat(state.declared())
        .extracting(d -> d.module().kind())
        .containsExactly("sysctl", "nftables");
    assertThat(((SysctlState) state.declared().get(0).state()).values()).hasSize(1);
  }
}
