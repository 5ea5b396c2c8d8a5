package dynamo

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/events"
)

// StreamChange returns the change of a user or group that one record of the
// table's stream describes, given the item's images before and after the
// write (nil where the record has none, as for an insert or a removal) and
// the time the stream recorded it, which is a delete's time.
//
// ok is false for every write that changes no resource: to an item that is
// not a record (a uniqueness item, a counter shard, a membership, whose
// change the group's own next version records, a failure, a seen mark, the
// reconciler's state) or the mark that a delete has begun. Only a record's
// own item yields changes, so a resource's changes come in the order of its
// writes: a stream keeps that order for each item.
//
// A record whose image does not decode is an error: it cannot become an
// event.
func StreamChange(oldImage, newImage map[string]types.AttributeValue, at time.Time) (c events.Change, ok bool, err error) {
	it := newImage
	if it == nil {
		it = oldImage
	}
	if it == nil || getS(it, attrSK) != skRecord {
		return c, false, nil
	}
	pk := getS(it, attrPK)
	var kind directory.Kind
	switch {
	case strings.HasPrefix(pk, pkUserPrefix):
		kind = directory.KindUser
	case strings.HasPrefix(pk, pkGroupPrefix):
		kind = directory.KindGroup
	default:
		return c, false, nil
	}
	if _, marked := newImage[attrDeleting]; marked {
		return c, false, nil
	}
	if oldImage != nil {
		if c.Before, err = decodeFields(kind, oldImage); err != nil {
			return c, false, fmt.Errorf("dynamo: stream record: %w", err)
		}
	}
	if newImage != nil {
		if c.After, err = decodeFields(kind, newImage); err != nil {
			return c, false, fmt.Errorf("dynamo: stream record: %w", err)
		}
		c.Members = directory.MemberChange{Added: getSS(newImage, attrAdded), Removed: getSS(newImage, attrRemoved)}
	}
	if c.Before != nil && c.After != nil && c.Before.Version == c.After.Version {
		return c, false, nil
	}
	c.At = at
	return c, true, nil
}

func getSS(it item, name string) []string {
	if v, ok := it[name].(*types.AttributeValueMemberSS); ok {
		return v.Value
	}
	return nil
}
