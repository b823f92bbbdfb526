-- The names Pier has put (or may have put) on the zone's DNS server by RFC 2136 updates: each is kept here before its
-- first update and forgotten once its records are gone, so a site deleted while the server was away is still removed.
CREATE TABLE dns_names (
  name   VARCHAR(255) NOT NULL PRIMARY KEY,
  since  TIMESTAMP    NOT NULL
);
