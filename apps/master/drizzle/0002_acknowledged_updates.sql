CREATE TABLE `acknowledged_updates` (
	`framework_id` text NOT NULL,
	`task_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`uuid` blob NOT NULL,
	PRIMARY KEY(`framework_id`, `task_id`)
);
