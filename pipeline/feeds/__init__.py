"""Feed mode (docs/feeds.md): feed lists, options, FetchFeeds, feed state, `dealstream feeds`."""
