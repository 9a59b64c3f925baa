using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pharos.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ServiceLevels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ServiceCalendar",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Calendar = table.Column<string>(type: "text", nullable: false),
                    IsDefault = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServiceCalendar", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SlaPolicy",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Tier = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Priority = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    CalendarId = table.Column<Guid>(type: "uuid", nullable: false),
                    FirstResponseMinutes = table.Column<int>(type: "integer", nullable: true),
                    NextResponseMinutes = table.Column<int>(type: "integer", nullable: true),
                    ResolutionMinutes = table.Column<int>(type: "integer", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SlaPolicy", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SlaPolicy_ServiceCalendar_CalendarId",
                        column: x => x.CalendarId,
                        principalTable: "ServiceCalendar",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ServiceCalendar_Name",
                table: "ServiceCalendar",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SlaPolicy_CalendarId",
                table: "SlaPolicy",
                column: "CalendarId");

            migrationBuilder.CreateIndex(
                name: "IX_SlaPolicy_Tier_Priority_Kind",
                table: "SlaPolicy",
                columns: new[] { "Tier", "Priority", "Kind" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SlaPolicy");

            migrationBuilder.DropTable(
                name: "ServiceCalendar");
        }
    }
}
