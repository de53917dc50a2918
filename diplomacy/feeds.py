"""Meeting feeds (being written)."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed


class MeetingFeed(Feed):
    title = "Meetings"
    link = "/meetings/"

    def items(self):
        return []


class MeetingAtomFeed(MeetingFeed):
    feed_type = Atom1Feed
