"""Dataflow launch: the Flex Template entry point."""
