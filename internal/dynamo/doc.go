// Package dynamo is the directory.Store on one DynamoDB table, and the only
// package that knows the table's keys.
//
// Items, by primary key (PK, SK):
//
//	USER#<id>      #RECORD        a user: doc (the JSON Doc), ver, created,
//	GROUP#<id>     #RECORD        modified, its Keys (userName, externalId,
//	                              displayName, email; only when set), LPK =
//	                              kind and LSK = created#id for the list
//	                              index, deleting while a delete runs;
//	                              a group's added and removed member ids
//	                              after a Touch (until its next write)
//	USER#<uid>     MEMBER#<gid>   a membership, in the user's partition;
//	                              GPK = GROUP#<gid>, GSK = <uid> for the
//	                              members index
//	UNIQUE#<kind>#<key>#<value>   #UNIQUE   a unique key's owner: id
//	UNIQUE#<kind>#<key>#<value>   #ENTRY#<id>  an entry key's value held by
//	                              record id (externalId, which many records
//	                              may share): id. A table written before
//	                              issue 11 may still hold an externalId
//	                              #UNIQUE item in the same partition, which
//	                              claims nothing: Lookup reads it as one more
//	                              entry and the reconciler replaces it
//	COUNT#<kind>   #COUNT#<nn>    one of 16 shards of the kind's total: n
//	FAILURE#<day>  <time>#<rand>  a failed request, for the reconciler's
//	                              digest (expiresAt: TTL)
//	SEEN#<what>    #SEEN          when a request (or the previous token)
//	                              was last seen
//	STATE#reconcile #STATE        the reconciler's cursor and notices sent
//
// Global secondary indexes, all keys only: list (LPK, LSK) pages a kind's
// records oldest first; members (GPK, GSK) finds a group's members; email
// (email) finds users by their non-unique email.
//
// The layout follows the request budgets in docs/performance.md: a user and
// its groups are one strongly consistent Query; the records holding an
// externalId are one strongly consistent Query of its partition and a Get
// each; adding a member to a group of any size is one item written, never a
// list rewritten; a record, its uniqueness items, its index entries and its
// kind's counter change in one transaction. No request path scans the
// table; only the reconciler does (scan.go).
//
// The table's stream (new and old images) turns into change events
// (StreamChange, docs/events.md): only record items yield them, each
// resource's from its own item, so they keep its order.
package dynamo
