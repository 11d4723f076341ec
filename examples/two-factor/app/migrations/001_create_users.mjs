// The users table as the application has had it since its first release.
export function up(table) {
  table.columns = ['id', 'username', 'password_hash', 'role', 'created_at'];
  table.rows ??= [];
}

export function down(table) {
  table.columns = [];
  table.rows = [];
}
