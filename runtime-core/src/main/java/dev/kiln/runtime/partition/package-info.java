/**
 * Placing nodes on backends: which backends claim each node, where values live (host or a device), and
 * the grouping of consecutive nodes on one backend into partitions.
 */
package dev.kiln.runtime.partition;
