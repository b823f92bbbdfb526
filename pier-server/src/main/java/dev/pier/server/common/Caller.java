package dev.pier.server.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who asks: a user name from LDAP, whether they are in the admins group, and the groups under the group base they
 * are a member of.
 */
public record Caller(String user, boolean admin, Set<String> groups) {

  public Caller {
    groups = Set.copyOf(groups);
  }

  public Caller(String user, boolean admin) {
    this(user, admin, Set.of());
  }

  /** Every grantee this caller is: the user, each of their groups, everyone. */
  public List<Grantee> grantees() {
    List<Grantee> all = new ArrayList<>();
    try {
      all.add(Grantee.user(user));
    } catch (IllegalArgumentException unnamable) {
      // a user name no grant can name: everyone's and their groups' apply
    }
    for (String g : groups) {
      try {
        all.add(Grantee.group(g));
      } catch (IllegalArgumentException unnamable) {
        // a group no grant can name
      }
    }
    all.add(Grantee.EVERYONE);
    return all;
  }
}
